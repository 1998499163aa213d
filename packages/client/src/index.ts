export { gatewayAddress, GATEWAY_PORT, type Address } from './address.js';
export { ApnsClientError, isApnsClientError, type ClientErrorCode } from './errors.js';
export { createConnection, send, type AddressInput } from './connection-api.js';
export type {
  ChannelInactiveEvent,
  Connection,
  ConnectionErrorEvent,
  ConnectionHandlers,
  ConnectionOptions,
  ConnectionState,
  DisconnectEvent,
  SentMessage,
  SentNotification,
  SettleCause,
  UnknownIdentifierEvent,
  WindowLimits,
} from './connection-types.js';
export { DEFAULT_WINDOW } from './sent-window.js';
export type { TlsInput } from './socket.js';
export { Sender } from './sender.js';
export { createSender } from './create-sender.js';
export { Http2Sender } from './h2/sender.js';
export { HTTP2_PORT, providerApiAddress } from './h2/endpoints.js';
export type {
  Http2DisconnectCause,
  Http2FailedNotification,
  Http2Notification,
  Http2ResendCause,
  Http2ResentEvent,
  Http2SenderEvents,
  Http2SenderOptions,
  Http2SenderReport,
  Http2SentNotification,
  Http2UnconfirmedNotification,
  Http2UnconfirmedReason,
  ProviderTokenOptions,
  UnregisteredEvent,
} from './h2/types.js';
export type {
  FailedNotification,
  ResentEvent,
  SenderEvents,
  SenderOptions,
  SenderReport,
  UnconfirmedNotification,
  UnconfirmedReason,
  UnknownIdentifierNotice,
} from './sender-types.js';
