/*
 * The bench's HTTP/2 client, in a worker thread: one connection, `inFlight` streams kept open,
 * `total` pushes. The same client serves the mock and the bare node:http2 server.
 */
import { connect, type ClientHttp2Session, type OutgoingHttpHeaders } from 'node:http2';
import { parentPort, workerData } from 'node:worker_threads';

export interface H2ClientJob {
  readonly port: number;
  readonly ca: string;
  readonly headers: OutgoingHttpHeaders;
  readonly body: string;
  readonly total: number;
  readonly inFlight: number;
}

export interface H2ClientResult {
  readonly kind: 'done';
  readonly seconds: number;
  readonly statuses: Record<string, number>;
  readonly firstError: string | undefined;
}

let firstError: string | undefined;

function request(session: ClientHttp2Session, job: H2ClientJob): Promise<number> {
  return new Promise((resolve) => {
    if (session.destroyed || session.closed) return resolve(-2);
    const stream = session.request(job.headers);
    let status = 0;
    stream.on('response', (headers) => (status = Number(headers[':status'])));
    stream.on('error', (error: NodeJS.ErrnoException) => {
      firstError ??= `${error.code}: ${error.message}`;
      resolve(-1);
    });
    stream.on('close', () => resolve(status));
    stream.resume();
    stream.end(job.body);
  });
}

async function run(job: H2ClientJob): Promise<void> {
  // As the servers: node's default 10 MB of session memory refuses streams (ENHANCE_YOUR_CALM) at 1000 in flight.
  const session = connect(`https://localhost:${job.port}`, { ca: job.ca, maxSessionMemory: 256 });
  session.on('error', (error: NodeJS.ErrnoException) => {
    firstError ??= `session ${error.code}: ${error.message}`;
  });
  await new Promise<void>((resolve) => session.once('remoteSettings', () => resolve()));
  // A token connection allows one stream until its first valid token: send one first, untimed.
  await request(session, job);
  await new Promise<void>((resolve) => setTimeout(resolve, 20));
  const statuses: Record<string, number> = {};
  let started = 0;
  const begin = process.hrtime.bigint();
  await new Promise<void>((resolve) => {
    let finished = 0;
    const next = (): void => {
      if (started >= job.total) return;
      started++;
      void request(session, job).then((status) => {
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (++finished === job.total) resolve();
        else next();
      });
    };
    for (let index = 0; index < job.inFlight; index++) next();
  });
  const seconds = Number(process.hrtime.bigint() - begin) / 1e9;
  session.destroy();
  parentPort!.postMessage({ kind: 'done', seconds, statuses, firstError } satisfies H2ClientResult);
}

void run(workerData as H2ClientJob);
