import { NotificationDecoder, type DecodedNotification, type NotificationFormat } from '@apnskit/codec';
import { decodeH2Record, type RecordedH2Notification } from './http2/record.js';
import { ReceivedBytes } from './received-bytes.js';

/** An accepted notification of either protocol: `format` tells them apart. */
export type RecordedNotification = RecordedBinaryNotification | RecordedH2Notification;

/** An accepted binary-protocol notification, as tests read it. */
export interface RecordedBinaryNotification {
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
  readonly format: NotificationFormat | 'h2' | undefined;
  readonly connection: number;
  readonly reason: string;
  readonly receivedAt: number;
}

/** A run of accepted notifications that arrived back to back (one per socket read, about a hundred notifications). */
interface Run {
  /** Where its bytes were kept (see ReceivedBytes). */
  readonly slab: number;
  readonly offset: number;
  readonly byteLength: number;
  /** Row of its first notification. */
  readonly firstRow: number;
  readonly connection: number;
  readonly receivedAt: number;
  /** An HTTP/2 record (one push, see http2/record.ts) rather than binary packets. */
  readonly h2: boolean;
}

/** The run holding `row` (binary search: runs are in row order). */
function runIndexOf(runs: readonly Run[], row: number): number {
  let low = 0;
  let high = runs.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (runs[middle]!.firstRow <= row) low = middle;
    else high = middle - 1;
  }
  return low;
}

/**
 * Accepted notifications. The gateway checks each one as it arrives and hands over whole runs of
 * accepted packets; only their bytes (copied into slabs) and one small object per run are kept,
 * since an object per notification costs more than the checking. Reading
 * decodes the kept bytes (binary-parser, through the codec's decoder) and makes the readable view
 * (hex token, parsed payload) once per notification.
 */
export class NotificationRecorder {
  private rows = 0;
  private runs: Run[] = [];
  private readonly bytes = new ReceivedBytes();
  private views: RecordedNotification[] = [];

  /** `payloadLimit`: the gateway's, so that reading judges the kept bytes as receiving did. */
  constructor(private readonly payloadLimit: number) {}

  get count(): number {
    return this.rows;
  }

  /** Records `count` accepted packets lying back to back in `source[start, end)`. */
  recordRun(source: Buffer, start: number, end: number, count: number, connection: number, receivedAt: number): void {
    this.bytes.keep(source, start, end);
    this.runs.push({ slab: this.bytes.lastSlab, offset: this.bytes.lastOffset, byteLength: end - start, firstRow: this.rows, connection, receivedAt, h2: false });
    this.rows += count;
  }

  /** Records one accepted HTTP/2 push, encoded by `encodeH2Record`. */
  recordH2(record: Buffer, connection: number, receivedAt: number): void {
    this.bytes.keep(record, 0, record.length);
    this.runs.push({ slab: this.bytes.lastSlab, offset: this.bytes.lastOffset, byteLength: record.length, firstRow: this.rows, connection, receivedAt, h2: true });
    this.rows += 1;
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
    let row = Math.max(0, from);
    for (; row < end && row < this.views.length; row++) views.push(this.views[row]!);
    for (let run = runIndexOf(this.runs, row); row < end; run++) {
      const decoded = this.decode(run);
      for (let at = row - this.runs[run]!.firstRow; at < decoded.length && row < end; at++, row++) views.push(decoded[at]!);
    }
    return views;
  }

  clear(): void {
    this.rows = 0;
    this.runs = [];
    this.bytes.clear();
    this.views = [];
  }

  private materialise(): void {
    let row = this.views.length;
    for (let run = runIndexOf(this.runs, row); row < this.rows; run++) {
      const decoded = this.decode(run);
      for (let at = row - this.runs[run]!.firstRow; at < decoded.length; at++, row++) this.views.push(decoded[at]!);
    }
  }

  private decode(run: number): RecordedNotification[] {
    const { slab, offset, byteLength, connection, receivedAt, h2 } = this.runs[run]!;
    const bytes = this.bytes.bytes(slab, offset, byteLength);
    if (h2) return [decodeH2Record(bytes, connection, receivedAt)];
    return new NotificationDecoder({ payloadLimit: this.payloadLimit }).push(bytes).map((result) => {
      // These bytes were accepted when they arrived, and the same rules judge them now.
      if (result.kind === 'error') throw new Error(`recorded bytes no longer decode: ${result.reason}`);
      return recordedView(result, connection, receivedAt);
    });
  }
}

function recordedView(notification: DecodedNotification, connection: number, receivedAt: number): RecordedBinaryNotification {
  return Object.freeze({
    token: notification.tokenHex(),
    payload: parsePayload(notification.payloadText()),
    payloadRaw: notification.payload,
    id: notification.id,
    expiry: notification.expiry,
    priority: notification.priority,
    format: notification.format,
    connection,
    receivedAt,
  });
}

function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
