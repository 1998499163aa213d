// Main-thread handle on the mock gateway running in mock-worker.js.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { ExpectedBatch, MockReady, MockReply, MockRequest } from './mock-protocol.js';

type Pending = (reply: MockReply) => void;
type RequestBody = MockRequest extends infer R ? (R extends MockRequest ? Omit<R, 'seq'> : never) : never;

export class MockHost {
  private nextSeq = 1;
  private readonly pending = new Map<number, Pending>();

  private constructor(
    private readonly worker: Worker,
    readonly gateway: MockReady,
  ) {
    worker.on('message', (reply: MockReply) => {
      const resolve = this.pending.get(reply.seq);
      this.pending.delete(reply.seq);
      resolve?.(reply);
    });
  }

  static async start(): Promise<MockHost> {
    const worker = new Worker(new URL('./mock-worker.js', import.meta.url));
    const failure = once(worker, 'error').then(([error]) => Promise.reject(error as Error));
    const ready = new Promise<MockReady>((resolve) => worker.once('message', resolve));
    return new MockHost(worker, await Promise.race([ready, failure]));
  }

  /** Resolves with the wall-clock time at which the mock held `total` notifications. */
  async waitFor(total: number, timeoutMs: number): Promise<number> {
    const reply = await this.request({ type: 'wait', total, timeoutMs });
    if (reply.type !== 'reached') throw new Error(`mock never reached ${total} notifications: ${describe(reply)}`);
    return reply.at;
  }

  /** Resolves with the wall-clock time at which the byte sink had received `total` bytes. */
  async waitForBytes(total: number, timeoutMs: number): Promise<number> {
    const reply = await this.request({ type: 'wait-bytes', total, timeoutMs });
    if (reply.type !== 'reached') throw new Error(`sink never received ${total} bytes: ${describe(reply)}`);
    return reply.at;
  }

  async resetSink(): Promise<void> {
    await this.request({ type: 'reset-sink' });
  }

  /** Throws when the mock does not hold exactly the given batches of bench tokens. */
  async validate(contender: string, batches: readonly ExpectedBatch[]): Promise<void> {
    const reply = await this.request({ type: 'validate', batches });
    if (reply.type !== 'validated') throw new Error(`validation of ${contender} failed: ${describe(reply)}`);
    if (reply.problems.length > 0) throw new Error(`${contender} did not deliver the sent set: ${reply.problems.join('; ')}`);
  }

  async reset(): Promise<void> {
    await this.request({ type: 'reset' });
  }

  async close(): Promise<void> {
    await this.request({ type: 'close' });
    await this.worker.terminate();
  }

  private request(body: RequestBody): Promise<MockReply> {
    const seq = this.nextSeq++;
    return new Promise((resolve) => {
      this.pending.set(seq, resolve);
      this.worker.postMessage({ ...body, seq });
    });
  }
}

function describe(reply: MockReply): string {
  return reply.type === 'failed' ? reply.message : reply.type;
}
