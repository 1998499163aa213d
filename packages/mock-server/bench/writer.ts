/*
 * The client side of the benchmark, in a worker thread so that it does not share the event loop
 * with the server being measured: connects, says ready, then on "go" writes pre-encoded frames in
 * large batches, honouring backpressure.
 */
import { connect } from 'node:tls';
import { parentPort, workerData } from 'node:worker_threads';

export interface WriterJob {
  readonly port: number;
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
  /** One batch of encoded frames; written `batches` times. */
  readonly batch: Uint8Array;
  readonly batches: number;
}

const job = workerData as WriterJob;
const batch = Buffer.from(job.batch.buffer, job.batch.byteOffset, job.batch.byteLength);
const socket = connect({ host: '127.0.0.1', port: job.port, ca: job.ca, cert: job.cert, key: job.key, servername: 'localhost' });
socket.on('error', (error) => parentPort!.postMessage({ kind: 'error', message: error.message }));
socket.once('secureConnect', () => parentPort!.postMessage({ kind: 'ready' }));

parentPort!.once('message', () => {
  let written = 0;
  const writeMore = (): void => {
    while (written < job.batches) {
      written++;
      if (!socket.write(batch)) {
        socket.once('drain', writeMore);
        return;
      }
    }
    parentPort!.postMessage({ kind: 'written' });
    parentPort!.once('message', () => socket.destroy());
  };
  writeMore();
});
