import { PayloadLimit, type NotificationFormat } from '@apnskit/codec';
import type { ResolvedCredentials } from '@apnskit/tls';
import type { Address } from './address.js';
import { toAddress } from './connection-api.js';
import { resolveConnectionOptions } from './connection-options.js';
import type { ConnectionOptions } from './connection-types.js';
import { integerOption, invalidOption } from './errors.js';
import type { LedgerPolicy } from './sender-ledger.js';
import type { SenderOptions } from './sender-types.js';
import { credentialsFrom } from './socket.js';

/**
 * Notifications per connection between proofs, by default: what one silent close can put in doubt.
 * Chosen from the chaos runs and the checkpoint bench (client README, "Reliability").
 */
export const DEFAULT_CHECKPOINT_EVERY = 50_000;

/** A sender's options, checked, with the defaults filled in. */
export interface SenderSettings {
  readonly address: Address;
  readonly credentials: ResolvedCredentials;
  readonly poolSize: number;
  readonly format: NotificationFormat;
  readonly payloadLimit: number;
  readonly highWaterMark: number;
  readonly reconnectLimit: number;
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
  readonly probeTimeoutMs: number;
  readonly checkpointEvery: number;
  /**
   * A connection whose first frame is this old is proven (probe) and replaced: half the window's
   * age, so that no frame is forgotten before its fate is known, however slowly notifications come.
   */
  readonly checkpointAgeMs: number;
  readonly connectionOptions: ConnectionOptions;
  readonly policy: LedgerPolicy;
}

/** Checks every option (APNS_ERR_INVALID_OPTION naming the bad one) and resolves the credentials. */
export function resolveSenderSettings(options: SenderOptions): SenderSettings {
  if (options === null || typeof options !== 'object') throw invalidOption('options', 'an object', options);
  const format = options.format ?? 'frame';
  const payloadLimit = integerOption('payloadLimit', options.payloadLimit, PayloadLimit.Default, 1, 0xffff);
  const silentClose = options.silentClose ?? 'resend';
  if (silentClose !== 'resend' && silentClose !== 'unconfirmed') throw invalidOption('silentClose', "'resend' or 'unconfirmed'", silentClose);
  const connectionOptions: ConnectionOptions = {
    format,
    payloadLimit,
    ...(options.window ? { window: options.window } : {}),
    ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    ...(options.writeBufferBytes !== undefined ? { writeBufferBytes: options.writeBufferBytes } : {}),
    ...(options.closeGraceMs !== undefined ? { closeGraceMs: options.closeGraceMs } : {}),
  };
  // Checks format and window options now rather than at the first connection.
  const { maxAgeMs } = resolveConnectionOptions(connectionOptions).window;
  return {
    address: toAddress(options.address),
    credentials: credentialsFrom(options.tls),
    poolSize: integerOption('connections', options.connections, 1, 1, 1024),
    format,
    payloadLimit,
    highWaterMark: integerOption('highWaterMark', options.highWaterMark, 8192, 1),
    reconnectLimit: integerOption('reconnectLimit', options.reconnectLimit, 10, 0),
    backoffInitialMs: integerOption('backoff.initialMs', options.backoff?.initialMs, 100, 0),
    backoffMaxMs: integerOption('backoff.maxMs', options.backoff?.maxMs, 5000, 0),
    probeTimeoutMs: integerOption('probeTimeoutMs', options.probeTimeoutMs, 10_000, 1),
    checkpointEvery: integerOption('checkpointEvery', options.checkpointEvery, DEFAULT_CHECKPOINT_EVERY, 0),
    checkpointAgeMs: maxAgeMs > 0 ? maxAgeMs / 2 : Infinity,
    connectionOptions,
    policy: {
      maxRetries: integerOption('maxRetries', options.maxRetries, 3, 0, 100),
      silentClose,
      keepDelivered: options.keepDelivered === true,
    },
  };
}
