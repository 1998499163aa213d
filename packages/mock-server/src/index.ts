export { createMockServer } from './create.js';
export { MockServer } from './server.js';
export type {
  ConnectionEvent,
  DisconnectEvent,
  FaultControls,
  FeedbackEvent,
  LimitClosedEvent,
  Listener,
  MockServerEvents,
  MockServerStats,
  RefusedEvent,
  Service,
  TlsErrorEvent,
  WaitOptions,
} from './server-types.js';
export type { MockServerOptions } from './options.js';
export type { RecordedNotification, RecordedBinaryNotification, RejectedNotification } from './recorder.js';
export type { RecordedH2Notification } from './http2/record.js';
export type { Http2Service, Http2Stats } from './http2/service.js';
export type { SigningKey, SigningKeyInput } from './http2/signing-keys.js';
export type { MockClock } from './http2/clock.js';
export type { ConnectionEnd } from './gateway-connection.js';
export type { FeedbackServiceOptions, QueuedFeedback } from './feedback-service.js';
export type * from './fault-types.js';
export { loadCertificates, DEFAULT_P12_PASSPHRASE } from './certs/store.js';
export type { CertificatePaths, CertFileName, MockCertificates, LoadCertificatesOptions } from './certs/store.js';
export { MockServerError, isMockServerError, type MockServerErrorCode } from './errors.js';
export type { MockScript, ScriptFeedbackTuple } from './script.js';
export { seededRandom } from './random.js';
