import { PayloadLimit, Priority, type PriorityValue } from './constants.js';
import { ApnsCodecError } from './errors.js';
import { checkIdentifier, checkPayloadLimit, checkPriority, expirySeconds, type Notification } from './notification.js';
import { tokenBytes, type TokenInput } from './token.js';

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** The alert dictionary, keys as Apple spells them. */
export interface AlertDictionary {
  readonly title?: string;
  readonly body?: string;
  readonly 'title-loc-key'?: string;
  readonly 'title-loc-args'?: readonly string[];
  readonly 'action-loc-key'?: string | null;
  readonly 'loc-key'?: string;
  readonly 'loc-args'?: readonly string[];
  readonly 'launch-image'?: string;
}

export interface Aps {
  /** A plain string while only a body is set; a dictionary once anything else is. */
  readonly alert?: string | AlertDictionary;
  readonly badge?: number;
  readonly sound?: string;
  readonly 'content-available'?: 1;
  readonly 'mutable-content'?: 1;
  readonly category?: string;
  readonly 'thread-id'?: string;
}

/** The JSON payload: `aps` plus the app's own keys. */
export interface MessagePayload {
  readonly aps: Aps;
  readonly [custom: string]: JsonValue | Aps;
}

export interface SerializeOptions {
  /** Byte limit; default 2048 (use 4096 for VoIP certificates). */
  readonly limit?: number;
  /** When too large, shorten the alert body (never splitting a character) instead of throwing. */
  readonly truncate?: boolean;
  /** Appended to a truncated body; default '…'. */
  readonly ellipsis?: string;
}

interface Meta {
  readonly token?: TokenInput;
  readonly priority?: PriorityValue;
  readonly expiry?: number | Date;
  readonly id?: number;
}

/**
 * An immutable push message: the payload is a plain JSON object, and the recipient, priority,
 * expiry and identifier travel beside it, never inside it. Every `with*` returns a new message,
 * so a message can serve as a template.
 */
export class Message {
  readonly payload: MessagePayload;
  private readonly meta: Meta;

  constructor(payload: MessagePayload = { aps: {} }, meta: Meta = {}) {
    this.payload = payload;
    this.meta = meta;
  }

  get token(): TokenInput | undefined {
    return this.meta.token;
  }
  get priority(): PriorityValue | undefined {
    return this.meta.priority;
  }
  get expiry(): number | Date | undefined {
    return this.meta.expiry;
  }
  get id(): number | undefined {
    return this.meta.id;
  }

  /** The recipient's device token (hex or bytes); checked here so a bad token fails early. */
  to(token: TokenInput): Message {
    tokenBytes(token);
    return new Message(this.payload, { ...this.meta, token });
  }
  withPriority(priority: PriorityValue): Message {
    return new Message(this.payload, { ...this.meta, priority: checkPriority(priority) });
  }
  /** UNIX seconds or a Date; 0 = deliver once or drop. */
  withExpiry(expiry: number | Date): Message {
    expirySeconds(expiry);
    return new Message(this.payload, { ...this.meta, expiry });
  }
  withId(id: number): Message {
    return new Message(this.payload, { ...this.meta, id: checkIdentifier(id) });
  }

  /** The alert text; stays a plain string until another alert field is set. */
  withAlertBody(body: string): Message {
    const alert = this.payload.aps.alert;
    if (alert === undefined || typeof alert === 'string') return this.withAps({ alert: body });
    return this.withAlert({ body });
  }
  withTitle(title: string): Message {
    return this.withAlert({ title });
  }
  withLocKey(key: string): Message {
    return this.withAlert({ 'loc-key': key });
  }
  withLocArgs(args: readonly string[]): Message {
    return this.withAlert({ 'loc-args': [...args] });
  }
  withTitleLocKey(key: string): Message {
    return this.withAlert({ 'title-loc-key': key });
  }
  withTitleLocArgs(args: readonly string[]): Message {
    return this.withAlert({ 'title-loc-args': [...args] });
  }
  /** The action button's localisation key; null shows no action button. */
  withActionLocKey(key: string | null): Message {
    return this.withAlert({ 'action-loc-key': key });
  }
  withLaunchImage(image: string): Message {
    return this.withAlert({ 'launch-image': image });
  }
  withBadge(badge: number): Message {
    if (!Number.isInteger(badge) || badge < 0) {
      throw new ApnsCodecError('APNS_ERR_INVALID_PAYLOAD', `badge must be a whole number >= 0, got ${String(badge)}`);
    }
    return this.withAps({ badge });
  }
  withSound(sound: string): Message {
    return this.withAps({ sound });
  }
  /** A background push; sent with priority 5 unless another is set. */
  withContentAvailable(): Message {
    return this.withAps({ 'content-available': 1 });
  }
  withMutableContent(): Message {
    return this.withAps({ 'mutable-content': 1 });
  }
  withCategory(category: string): Message {
    return this.withAps({ category });
  }
  withThreadId(threadId: string): Message {
    return this.withAps({ 'thread-id': threadId });
  }
  /** An app-defined key beside `aps`. */
  withCustom(key: string, value: JsonValue): Message {
    if (key === 'aps') {
      throw new ApnsCodecError('APNS_ERR_INVALID_PAYLOAD', "custom key 'aps' is reserved; use the with* helpers for aps fields");
    }
    return new Message({ ...this.payload, [key]: value }, this.meta);
  }

  /** The payload object, so `JSON.stringify(message)` gives the payload. */
  toJSON(): MessagePayload {
    return this.payload;
  }

  /** UTF-8 JSON within the byte limit, or APNS_ERR_PAYLOAD_TOO_LARGE (unless `truncate`). */
  serialize(options: SerializeOptions = {}): Buffer {
    const limit = checkPayloadLimit(options.limit ?? PayloadLimit.Default);
    const bytes = Buffer.from(JSON.stringify(this.payload), 'utf8');
    if (bytes.length <= limit) return bytes;
    if (options.truncate) {
      const truncated = this.truncatedToFit(limit, options.ellipsis ?? '…');
      if (truncated) return truncated;
    }
    throw new ApnsCodecError(
      'APNS_ERR_PAYLOAD_TOO_LARGE',
      `payload is ${bytes.length} bytes, over the ${limit}-byte limit` +
        (options.truncate ? ' even with an empty alert body; remove custom keys or shorten other fields' : '; pass truncate: true to shorten the alert body'),
    );
  }

  /** A notification for the encoder; the message must have a recipient (`to`). */
  toNotification(options: SerializeOptions = {}): Notification {
    if (this.meta.token === undefined) {
      throw new ApnsCodecError('APNS_ERR_INVALID_TOKEN', 'message has no recipient; call .to(token) first');
    }
    return {
      token: this.meta.token,
      payload: this.serialize(options),
      id: this.meta.id,
      expiry: this.meta.expiry,
      priority: this.effectivePriority(),
    };
  }

  /** Priority 10 on a content-available-only push is an error at Apple: such pushes default to 5. */
  private effectivePriority(): PriorityValue {
    const backgroundOnly = Object.keys(this.payload.aps).every((key) => key === 'content-available') &&
      this.payload.aps['content-available'] === 1;
    if (this.meta.priority === undefined) return backgroundOnly ? Priority.PowerConserving : Priority.Immediate;
    if (backgroundOnly && this.meta.priority === Priority.Immediate) {
      throw new ApnsCodecError(
        'APNS_ERR_INVALID_PRIORITY',
        'a push whose aps holds only content-available must use priority 5; Apple rejects priority 10',
      );
    }
    return this.meta.priority;
  }

  private withAps(fields: Aps): Message {
    return new Message({ ...this.payload, aps: { ...this.payload.aps, ...fields } }, this.meta);
  }

  private withAlert(fields: AlertDictionary): Message {
    const alert = this.payload.aps.alert;
    const current: AlertDictionary = alert === undefined ? {} : typeof alert === 'string' ? { body: alert } : alert;
    return this.withAps({ alert: { ...current, ...fields } });
  }

  private truncatedToFit(limit: number, ellipsis: string): Buffer | undefined {
    const alert = this.payload.aps.alert;
    const body = typeof alert === 'string' ? alert : alert?.body;
    if (body === undefined) return undefined;
    const characters = Array.from(body); // code points: a cut never splits a character
    const encode = (count: number): Buffer => {
      const text = characters.slice(0, count).join('') + ellipsis;
      return Buffer.from(JSON.stringify(this.withAlertBodyKeepingShape(text).payload), 'utf8');
    };
    let low = 0;
    let high = characters.length - 1; // the whole body is known not to fit
    let best: Buffer | undefined;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const candidate = encode(middle);
      if (candidate.length <= limit) {
        best = candidate;
        low = middle + 1;
      } else high = middle - 1;
    }
    return best;
  }

  private withAlertBodyKeepingShape(body: string): Message {
    return typeof this.payload.aps.alert === 'string' ? this.withAps({ alert: body }) : this.withAlert({ body });
  }
}
