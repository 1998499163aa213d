export { TestCertificateAuthority, toPkcs12, VALIDITY_DAYS, type GeneratedCertificate, type IssueOptions } from './certificates.js';
