export { TestCertificateAuthority, toPkcs12, type GeneratedCertificate, type IssueOptions } from './certificates.js';
