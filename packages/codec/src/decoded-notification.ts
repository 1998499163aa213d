import { TOKEN_LENGTH, type PriorityValue } from './constants.js';
import type { NotificationFormat } from './notification.js';

/**
 * A well-formed notification read off the wire. Token and payload stay where they arrived
 * (`source`, a buffer the decoder never reuses or writes): views are made only when asked for,
 * since making them costs more than decoding the rest of the frame.
 */
export class DecodedNotification {
  readonly kind = 'notification' as const;

  constructor(
    readonly format: NotificationFormat,
    /** The bytes the notification was decoded from. */
    readonly source: Buffer,
    readonly tokenOffset: number,
    readonly payloadOffset: number,
    readonly payloadLength: number,
    /** Undefined for command 0, which carries none. */
    readonly id: number | undefined,
    /** UNIX seconds; 0 = deliver once or drop. */
    readonly expiry: number,
    readonly priority: PriorityValue,
    /** Size of the packet on the wire. */
    readonly byteLength: number,
  ) {}

  /** The 32-byte token: a view of `source`. */
  get token(): Buffer {
    return this.source.subarray(this.tokenOffset, this.tokenOffset + TOKEN_LENGTH);
  }

  /** The payload bytes: a view of `source`. */
  get payload(): Buffer {
    return this.source.subarray(this.payloadOffset, this.payloadOffset + this.payloadLength);
  }

  /** Lowercase hex of the token, read straight from `source`. */
  tokenHex(): string {
    return this.source.toString('hex', this.tokenOffset, this.tokenOffset + TOKEN_LENGTH);
  }

  /** The payload as text, read straight from `source`. */
  payloadText(): string {
    return this.source.toString('utf8', this.payloadOffset, this.payloadOffset + this.payloadLength);
  }
}
