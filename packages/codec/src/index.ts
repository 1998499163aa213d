// What an application needs; wire layout and lower-level writers are in '@apnskit/codec/wire'.
export { Priority, PayloadLimit, TOKEN_LENGTH, type PriorityValue } from './constants.js';
export { ApnsCodecError, isApnsCodecError, type CodecErrorCode } from './errors.js';
export { parseToken, formatToken, isValidToken, type TokenInput, type TokenRules } from './token.js';
export { Status, statusInfo, statusName, type KnownStatus, type StatusInfo, type StatusOutcome } from './status.js';
export { type EncodeOptions, type Notification, type NotificationFormat, type PayloadObject } from './notification.js';
export { encodeNotification, encodeNotificationInto, encodedLength } from './encode.js';
export { NotificationEncoder, type NotificationEncoderOptions } from './notification-encoder.js';
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
  type FeedbackResult,
  type FeedbackTuple,
  type FeedbackGarbage,
  type FeedbackTupleInput,
} from './feedback.js';
export {
  Message,
  type AlertDictionary,
  type Aps,
  type JsonValue,
  type MessagePayload,
  type SerializeOptions,
} from './message.js';
