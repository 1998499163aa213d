export * from './constants.js';
export { ApnsCodecError, isApnsCodecError, type CodecErrorCode } from './errors.js';
export { parseToken, formatToken, isValidToken, type TokenInput } from './token.js';
export { Status, STATUS_TABLE, statusInfo, statusName, type KnownStatus, type StatusInfo, type StatusOutcome } from './status.js';
export {
  toWireNotification,
  type EncodeOptions,
  type Notification,
  type NotificationFormat,
  type PayloadObject,
  type WireNotification,
} from './notification.js';
export {
  encodeNotification,
  encodeNotificationInto,
  encodedLength,
  encodeProbeFrame,
  wireLength,
  writeWire,
} from './encode.js';
export { NotificationEncoder, type NotificationEncoderOptions } from './notification-encoder.js';
export { FRAME_IDENTIFIER_FROM_END } from './frame-writer.js';
export { plainFrameLength, writePlainFrame } from './plain-frame.js';
export {
  NotificationDecoder,
  DecodedNotification,
  type DecodeFailure,
  type DecodeResult,
  type NotificationDecoderOptions,
} from './notification-decoder.js';
export { NotificationScanner, type NotificationVisitor, type ScannedNotification } from './notification-scanner.js';
export {
  encodeErrorResponse,
  ErrorResponseDecoder,
  type ErrorResponse,
  type ErrorResponseGarbage,
  type ErrorResponseResult,
} from './error-response.js';
export {
  encodeFeedbackTuple,
  FeedbackDecoder,
  type FeedbackDecoderOptions,
  type FeedbackTuple,
  type FeedbackTupleInput,
} from './feedback.js';
export {
  Message,
  message,
  to,
  type AlertDictionary,
  type Aps,
  type JsonValue,
  type MessagePayload,
  type SerializeOptions,
} from './message.js';
