import { DecodedNotification } from './decoded-notification.js';
import type { DecodeFailure, NotificationDecoderOptions } from './notification-checks.js';
import { NotificationScanner } from './notification-scanner.js';
import type { NotificationVisitor, ScannedNotification } from './scanned-notification.js';

export { DecodedNotification } from './decoded-notification.js';
export type { DecodeFailure, NotificationDecoderOptions } from './notification-checks.js';

export type DecodeResult = DecodedNotification | DecodeFailure;

/** Builds a DecodedNotification for each notification the scanner accepts, and keeps every failure. */
class ResultCollector implements NotificationVisitor {
  results: DecodeResult[] = [];

  notification(scanned: ScannedNotification): boolean {
    const { format, source, tokenOffset, payloadOffset, payloadLength, id, expiry, priority, byteLength } = scanned;
    this.results.push(new DecodedNotification(format, source, tokenOffset, payloadOffset, payloadLength, id, expiry, priority, byteLength));
    return true;
  }

  failure(failure: DecodeFailure): boolean {
    this.results.push(failure);
    return true;
  }
}

/**
 * Streaming decoder for what providers write to the gateway: commands 0, 1 and 2 mixed, chunks
 * of any size, command-2 items in any order. A malformed notification yields the failure Apple
 * would answer; after a failure that loses the framing, the rest of the stream is ignored. It is
 * NotificationScanner's verdict as objects that outlive the next chunk.
 */
export class NotificationDecoder {
  private readonly scanner: NotificationScanner;
  private readonly collector = new ResultCollector();

  constructor(options: NotificationDecoderOptions = {}) {
    this.scanner = new NotificationScanner(options);
  }

  get payloadLimit(): number {
    return this.scanner.payloadLimit;
  }

  /** Bytes held while waiting for the rest of a packet. */
  get bufferedBytes(): number {
    return this.scanner.bufferedBytes;
  }

  /** True after a failure that lost the framing. */
  get failed(): boolean {
    return this.scanner.stopped;
  }

  /** Feeds a chunk; returns every packet it completes, in order. Keeps views of `chunk`: do not reuse it. */
  push(chunk: Uint8Array): DecodeResult[] {
    const collector = this.collector;
    const results: DecodeResult[] = [];
    collector.results = results;
    this.scanner.scan(chunk, collector);
    collector.results = [];
    return results;
  }

  /** Forgets any partial packet and a lost framing, as for a new connection. */
  reset(): void {
    this.scanner.reset();
  }
}
