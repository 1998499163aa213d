import { TOKEN_LENGTH, type DecodedNotification, type NotificationFormat } from '@apnskit/codec';

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
export interface ChunkInfo {
  readonly connection: number;
  readonly receivedAt: number;
}

const FORMATS: readonly NotificationFormat[] = ['frame', 'enhanced', 'simple'];
const FORMAT_CODE: Readonly<Record<NotificationFormat, number>> = { frame: 0, enhanced: 1, simple: 2 };
const INITIAL_CAPACITY = 1024;

/** Growable typed-array columns: one row per accepted notification, no object kept per row. */
class Columns {
  capacity = INITIAL_CAPACITY;
  source = new Uint32Array(INITIAL_CAPACITY);
  tokenOffset = new Uint32Array(INITIAL_CAPACITY);
  payloadOffset = new Uint32Array(INITIAL_CAPACITY);
  payloadLength = new Uint32Array(INITIAL_CAPACITY);
  id = new Uint32Array(INITIAL_CAPACITY);
  expiry = new Uint32Array(INITIAL_CAPACITY);
  priority = new Uint8Array(INITIAL_CAPACITY);
  format = new Uint8Array(INITIAL_CAPACITY);
  chunk = new Uint32Array(INITIAL_CAPACITY);

  grow(): void {
    this.capacity *= 2;
    const grown = <T extends Uint32Array | Uint8Array>(column: T): T => {
      const next = new (column.constructor as new (length: number) => T)(this.capacity);
      next.set(column);
      return next;
    };
    this.source = grown(this.source);
    this.tokenOffset = grown(this.tokenOffset);
    this.payloadOffset = grown(this.payloadOffset);
    this.payloadLength = grown(this.payloadLength);
    this.id = grown(this.id);
    this.expiry = grown(this.expiry);
    this.priority = grown(this.priority);
    this.format = grown(this.format);
    this.chunk = grown(this.chunk);
  }
}

/**
 * Accepted notifications. The decoder's records point into the received buffers; only those
 * offsets are kept (typed-array columns), since keeping a million small objects alive costs the
 * garbage collector more than decoding them. The readable view (hex token, parsed payload) is
 * made only when asked for, once per notification.
 */
export class NotificationRecorder {
  private rows = 0;
  private columns = new Columns();
  /** The buffers notifications were decoded from, each kept once. */
  private sources: Buffer[] = [];
  private chunkInfos: ChunkInfo[] = [];
  private views: RecordedNotification[] = [];

  get count(): number {
    return this.rows;
  }

  /** Registers a received chunk's shared facts; returns the handle to record its notifications with. */
  chunkInfo(connection: number, receivedAt: number): number {
    return this.chunkInfos.push({ connection, receivedAt }) - 1;
  }

  record(notification: DecodedNotification, chunk: number): void {
    const columns = this.columns;
    if (this.rows === columns.capacity) columns.grow();
    const row = this.rows++;
    const { source } = notification;
    let sourceIndex = this.sources.length - 1;
    if (this.sources[sourceIndex] !== source) sourceIndex = this.sources.push(source) - 1;
    columns.source[row] = sourceIndex;
    columns.tokenOffset[row] = notification.tokenOffset;
    columns.payloadOffset[row] = notification.payloadOffset;
    columns.payloadLength[row] = notification.payloadLength;
    columns.id[row] = notification.id ?? 0;
    columns.expiry[row] = notification.expiry;
    columns.priority[row] = notification.priority;
    columns.format[row] = FORMAT_CODE[notification.format];
    columns.chunk[row] = chunk;
  }

  /** Every accepted notification in arrival order (a fresh array; views are made once). */
  all(): RecordedNotification[] {
    this.materialise();
    return this.views.slice();
  }

  /** The views of notifications [from, to), made for those only. */
  range(from: number, to = this.rows): RecordedNotification[] {
    const views: RecordedNotification[] = [];
    const end = Math.min(to, this.rows);
    for (let row = Math.max(0, from); row < end; row++) views.push(this.views[row] ?? this.view(row));
    return views;
  }

  clear(): void {
    this.rows = 0;
    this.columns = new Columns();
    this.sources = [];
    this.chunkInfos = [];
    this.views = [];
  }

  private materialise(): void {
    for (let row = this.views.length; row < this.rows; row++) this.views.push(this.view(row));
  }

  private view(row: number): RecordedNotification {
    const { columns } = this;
    const source = this.sources[columns.source[row]!]!;
    const tokenAt = columns.tokenOffset[row]!;
    const payloadAt = columns.payloadOffset[row]!;
    const payloadEnd = payloadAt + columns.payloadLength[row]!;
    const format = FORMATS[columns.format[row]!]!;
    const chunk = this.chunkInfos[columns.chunk[row]!]!;
    return Object.freeze({
      token: source.toString('hex', tokenAt, tokenAt + TOKEN_LENGTH),
      payload: parsePayload(source.toString('utf8', payloadAt, payloadEnd)),
      payloadRaw: source.subarray(payloadAt, payloadEnd),
      id: format === 'simple' ? undefined : columns.id[row],
      expiry: columns.expiry[row]!,
      priority: columns.priority[row] as 10 | 5,
      format,
      connection: chunk.connection,
      receivedAt: chunk.receivedAt,
    });
  }
}

function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
