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
export { createSender, Sender } from './sender.js';
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
