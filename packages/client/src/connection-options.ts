import { PayloadLimit, type NotificationFormat } from '@apnskit/codec';
import type { ConnectionOptions } from './connection-types.js';
import { integerOption, invalidOption } from './errors.js';
import { MAX_IDENTIFIER } from './identifiers.js';
import { DEFAULT_WINDOW, type WindowLimits } from './sent-window.js';

/**
 * Written but unread bytes are what the gateway discards (and the sender resends) after a
 * rejection: 64 KiB cut those resends about four times against 256 KiB in the chaos runs, at no
 * measured cost in rate (client README, "Reliability").
 */
export const DEFAULT_WRITE_BUFFER_BYTES = 64 * 1024;

export interface ResolvedConnectionOptions {
  readonly format: NotificationFormat;
  readonly payloadLimit: number;
  readonly connectTimeoutMs: number;
  readonly writeBufferBytes: number;
  readonly closeGraceMs: number;
  readonly firstIdentifier: number;
  readonly window: WindowLimits;
}

/** Checks a connection's options (APNS_ERR_INVALID_OPTION naming the bad one) and fills in defaults. */
export function resolveConnectionOptions(options: ConnectionOptions): ResolvedConnectionOptions {
  const format = options.format ?? 'frame';
  if (format !== 'frame' && format !== 'enhanced' && format !== 'simple') {
    throw invalidOption('format', "'frame', 'enhanced' or 'simple'", format);
  }
  const limits = options.window ?? {};
  return {
    format,
    payloadLimit: integerOption('payloadLimit', options.payloadLimit, PayloadLimit.Default, 1, 0xffff),
    connectTimeoutMs: integerOption('connectTimeoutMs', options.connectTimeoutMs, 10_000, 1),
    writeBufferBytes: integerOption('writeBufferBytes', options.writeBufferBytes, DEFAULT_WRITE_BUFFER_BYTES, 1),
    closeGraceMs: integerOption('closeGraceMs', options.closeGraceMs, 1000, 0),
    firstIdentifier: integerOption('firstIdentifier', options.firstIdentifier, 1, 1, MAX_IDENTIFIER),
    window: {
      maxAgeMs: integerOption('window.maxAgeMs', limits.maxAgeMs, DEFAULT_WINDOW.maxAgeMs, 0, Infinity),
      maxCount: integerOption('window.maxCount', limits.maxCount, DEFAULT_WINDOW.maxCount, 0),
      maxBytes: integerOption('window.maxBytes', limits.maxBytes, DEFAULT_WINDOW.maxBytes, 0),
    },
  };
}
