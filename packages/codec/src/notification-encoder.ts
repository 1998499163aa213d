import { PayloadLimit, Priority, TOKEN_LENGTH } from './constants.js';
import { frameLength, invalidFormat, writeFields } from './encode.js';
import { ApnsCodecError } from './errors.js';
import { tokenBytes } from './token.js';
import { checkIdentifier, checkPayloadLimit, isU32, toWireNotification, type Notification, type NotificationFormat } from './notification.js';

export interface NotificationEncoderOptions {
  /** Wire format of every notification this encoder writes; default 'frame'. */
  readonly format?: NotificationFormat;
  /** Largest payload in bytes; default 2048 (4096 for VoIP certificates). */
  readonly payloadLimit?: number;
}

const HEX_TOKEN_LENGTH = TOKEN_LENGTH * 2;
const NO_BYTES = new Uint8Array(0);

/** The prepared notification's wire values; one object per encoder, reused. A string token is 64 hex digits. */
interface PreparedFields {
  token: Uint8Array | string;
  payload: Uint8Array;
  id: number;
  expiry: number;
  priority: number;
}

/**
 * Encodes many notifications into caller's buffers without allocating per notification (for
 * batching): `prepare` checks one and returns its size, `writePrepared` writes it. A 64-digit hex
 * token is decoded straight into the target, a 32-byte token copied, and the bytes of the last
 * payload string are kept, since bulk sends repeat one payload. Not for concurrent use.
 */
export class NotificationEncoder {
  readonly format: NotificationFormat;
  readonly payloadLimit: number;
  private readonly fields: PreparedFields = { token: NO_BYTES, payload: NO_BYTES, id: 0, expiry: 0, priority: Priority.Immediate };
  /**
   * True once a notification was prepared. Not the notification itself: storing each caller's fresh
   * object into this long-lived one would cost a write barrier per notification.
   */
  private prepared = false;
  private payloadText: string | undefined;
  private payloadTextBytes: Uint8Array = NO_BYTES;
  /** Size on the wire of this format without token and payload. */
  private readonly fixedLength: number;

  constructor(options: NotificationEncoderOptions = {}) {
    const { format = 'frame', payloadLimit = PayloadLimit.Default } = options;
    if (format !== 'frame' && format !== 'enhanced' && format !== 'simple') throw invalidFormat(format);
    this.format = format;
    this.payloadLimit = checkPayloadLimit(payloadLimit);
    this.fixedLength = frameLength(0, 0, format);
  }

  /**
   * Checks a notification as toWireNotification does (same ApnsCodecError codes and messages) and
   * returns its size on the wire. Only a 64-character token that is not hex is reported later, by
   * writePrepared.
   */
  prepare(notification: Notification): number {
    this.prepared = false;
    if (!this.prepareCommon(notification)) this.prepareChecked(notification);
    this.prepared = true;
    const { token, payload } = this.fields;
    return this.fixedLength + (typeof token === 'string' ? TOKEN_LENGTH : token.length) + payload.length;
  }

  /**
   * Writes the notification last prepared at `offset` of `target` (the caller has made room for the
   * size `prepare` returned) and returns the offset after it. `id`, when given, is written instead
   * of the notification's (for senders that number frames themselves). Throws ApnsCodecError
   * APNS_ERR_INVALID_TOKEN when the prepared hex token does not decode; nothing is then counted as written.
   */
  writePrepared(target: Buffer, offset: number, id?: number): number {
    const fields = this.fields;
    if (!this.prepared) {
      throw new ApnsCodecError('APNS_ERR_INVALID_OPTION', 'writePrepared needs a notification: call prepare first (and let it succeed)');
    }
    const end = writeFields(target, offset, this.format, fields.token, fields.payload, id === undefined ? fields.id : checkIdentifier(id), fields.expiry, fields.priority);
    // A 64-character string that is not hex: the codec's token check throws, naming the bad digit (as
    // toWireNotification would: it checks the token first, and prepare found nothing else wrong).
    if (end < 0) tokenBytes(fields.token);
    return end;
  }

  /** The usual shape, checked without allocating: false sends it through toWireNotification. */
  private prepareCommon(notification: Notification): boolean {
    if (notification === null || typeof notification !== 'object') return false;
    const { token, payload, id, expiry, priority } = notification;
    if (typeof token === 'string' ? token.length !== HEX_TOKEN_LENGTH : !(token instanceof Uint8Array) || token.length !== TOKEN_LENGTH) return false;
    if (id !== undefined && !isU32(id)) return false;
    if (expiry !== undefined && !isU32(expiry)) return false;
    if (priority !== undefined && priority !== Priority.Immediate && priority !== Priority.PowerConserving) return false;
    const bytes = typeof payload === 'string' ? this.bytesOfText(payload) : payload instanceof Uint8Array ? payload : NO_BYTES;
    if (bytes.length === 0 || bytes.length > this.payloadLimit) return false;
    const { fields } = this;
    fields.token = token;
    fields.payload = bytes;
    fields.id = id ?? 0;
    fields.expiry = expiry ?? 0;
    fields.priority = priority ?? Priority.Immediate;
    return true;
  }

  /** Everything else: the codec's checks, which throw ApnsCodecError for bad input. */
  private prepareChecked(notification: Notification): void {
    const wire = toWireNotification(notification, { payloadLimit: this.payloadLimit });
    const { fields } = this;
    fields.token = wire.token;
    fields.payload = wire.payload;
    fields.id = wire.id;
    fields.expiry = wire.expiry;
    fields.priority = wire.priority;
  }

  private bytesOfText(text: string): Uint8Array {
    if (text !== this.payloadText) {
      this.payloadTextBytes = Buffer.from(text, 'utf8');
      this.payloadText = text;
    }
    return this.payloadTextBytes;
  }
}
