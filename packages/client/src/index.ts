export { gatewayAddress, GATEWAY_PORT, type Address } from './address.js';
export { ApnsClientError, isApnsClientError, type ClientErrorCode } from './errors.js';
export { createConnection, send, type AddressInput } from './connection-api.js';
export { Connection, type ConnectionState } from './connection.js';
export type {
  ChannelInactiveEvent,
  ConnectionErrorEvent,
  ConnectionHandlers,
  ConnectionOptions,
  SentMessage,
  UnknownIdentifierEvent,
} from './connection-types.js';
export type { SentNotification } from './frames.js';
export { DEFAULT_WINDOW, type WindowLimits } from './sent-window.js';
export type { SettleCause } from './settlement.js';
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
