import type { DecodedNotification, NotificationFormat } from '@apnskit/codec';

/** An accepted notification, as tests read it. */
export interface RecordedNotification {
  /** Lowercase hex. */
  readonly token: string;
  /** The payload parsed as JSON, or null when it is not valid JSON. */
  readonly payload: unknown;
  /** The payload bytes as received. */
  readonly payloadRaw: Buffer;
  /** Undefined for command 0, which carries none. */
  readonly id: number | undefined;
  /** UNIX seconds; 0 = deliver once or drop. */
  readonly expiry: number;
  readonly priority: 10 | 5;
  readonly format: NotificationFormat;
  /** Number of the gateway connection it came on (from 1). */
  readonly connection: number;
  /** Milliseconds since the epoch. */
  readonly receivedAt: number;
}

/** A rejected notification (or connection-level failure) and the status answered. */
export interface RejectedNotification {
  /** Lowercase hex, when the notification carried a readable 32-byte token. */
  readonly token: string | undefined;
  /** The identifier named in the error response (undefined for command 0). */
  readonly id: number | undefined;
  readonly status: number;
  /** Whether an error response was written (not for command 0, or a close/reset fault). */
  readonly answered: boolean;
  readonly format: NotificationFormat | undefined;
  readonly connection: number;
  readonly reason: string;
  readonly receivedAt: number;
}

/** What all notifications of one chunk share, stored once per chunk instead of once per notification. */
interface ChunkInfo {
  readonly connection: number;
  readonly receivedAt: number;
}

/**
 * Accepted notifications, kept as the decoder's lazy records; the readable view (hex token, parsed
 * payload) is made only when asked for, once per notification.
 */
export class NotificationRecorder {
  private decoded: DecodedNotification[] = [];
  private chunks: ChunkInfo[] = [];
  private views: RecordedNotification[] = [];

  get count(): number {
    return this.decoded.length;
  }

  chunkInfo(connection: number, receivedAt: number): ChunkInfo {
    return { connection, receivedAt };
  }

  record(notification: DecodedNotification, chunk: ChunkInfo): void {
    this.decoded.push(notification);
    this.chunks.push(chunk);
  }

  /** The notification recorded last, for status 10 (shutdown) answers. */
  last(): DecodedNotification | undefined {
    return this.decoded[this.decoded.length - 1];
  }

  /** Every accepted notification in arrival order (a fresh array; views are made once). */
  all(): RecordedNotification[] {
    for (let index = this.views.length; index < this.decoded.length; index++) {
      this.views.push(toView(this.decoded[index]!, this.chunks[index]!));
    }
    return this.views.slice();
  }

  /** The view of notifications [from, to). */
  range(from: number, to: number = this.decoded.length): RecordedNotification[] {
    this.all();
    return this.views.slice(from, to);
  }

  clear(): void {
    this.decoded = [];
    this.chunks = [];
    this.views = [];
  }
}

function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function toView(notification: DecodedNotification, chunk: ChunkInfo): RecordedNotification {
  return Object.freeze({
    token: notification.tokenHex(),
    payload: parsePayload(notification.payloadText()),
    payloadRaw: notification.payload,
    id: notification.id,
    expiry: notification.expiry,
    priority: notification.priority,
    format: notification.format,
    connection: chunk.connection,
    receivedAt: chunk.receivedAt,
  });
}
