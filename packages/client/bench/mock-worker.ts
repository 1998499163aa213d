// Hosts the mock gateway on its own thread and answers the bench's requests (see mock-protocol.ts).
import { isDeepStrictEqual } from 'node:util';
import { parentPort } from 'node:worker_threads';
import { createMockServer } from '@apnskit/mock-server';
import { expectedTokenSet, PAYLOAD_OBJECT } from './fixtures.js';
import { ByteSink } from './sink.js';
import { clock, type ExpectedBatch, type MockReply, type MockRequest } from './mock-protocol.js';

/** Every this-many recorded notifications, the payload is checked byte for byte (as JSON). */
const PAYLOAD_SAMPLE_STEP = 997;

if (!parentPort) throw new Error('mock-worker.js runs as a worker thread of client.bench.js');
const port = parentPort;
const mock = await createMockServer({ gatewayPort: 0, feedbackPort: 0 });
const sink = await ByteSink.start(mock.certs, mock.host);

port.on('message', (request: MockRequest) => {
  handle(request).then(
    (reply) => {
      port.postMessage(reply);
      // After the reply, or the bench would wait for it forever.
      if (request.type === 'close') port.close();
    },
    (error: unknown) => port.postMessage({ seq: request.seq, type: 'failed', message: String(error) } satisfies MockReply),
  );
});
port.postMessage({
  type: 'ready',
  host: mock.host,
  port: mock.gateway.port,
  sinkPort: sink.port,
  ca: mock.certs.ca.toString(),
  clientCert: mock.certs.clientCert.toString(),
  clientKey: mock.certs.clientKey.toString(),
});

async function handle(request: MockRequest): Promise<MockReply> {
  switch (request.type) {
    case 'wait':
      await mock.waitForNotifications(request.total, { timeoutMs: request.timeoutMs });
      return { seq: request.seq, type: 'reached', at: clock() };
    case 'wait-bytes':
      return { seq: request.seq, type: 'reached', at: await sink.waitFor(request.total, request.timeoutMs) };
    case 'reset-sink':
      sink.reset();
      return { seq: request.seq, type: 'done' };
    case 'validate':
      return { seq: request.seq, type: 'validated', problems: validate(request.batches) };
    case 'reset':
      mock.reset();
      return { seq: request.seq, type: 'done' };
    case 'close':
      sink.close();
      await mock.close();
      return { seq: request.seq, type: 'done' };
  }
}

/** The mock must hold exactly the expected tokens, each once, each with the bench payload. */
function validate(batches: readonly ExpectedBatch[]): string[] {
  const problems: string[] = [];
  const expected = new Set<string>();
  for (const batch of batches) for (const token of expectedTokenSet(batch.tag, batch.count)) expected.add(token);
  const recorded = mock.notifications;
  if (recorded.length !== expected.size) problems.push(`mock recorded ${recorded.length} notifications, expected ${expected.size}`);
  const seen = new Set<string>();
  let unexpected = 0;
  let duplicated = 0;
  for (let index = 0; index < recorded.length; index += 1) {
    const token = recorded[index].token;
    if (!expected.has(token)) unexpected += 1;
    else if (seen.has(token)) duplicated += 1;
    seen.add(token);
    if (index % PAYLOAD_SAMPLE_STEP === 0 && !isDeepStrictEqual(recorded[index].payload, PAYLOAD_OBJECT)) {
      problems.push(`notification ${index} carries payload ${recorded[index].payloadRaw.toString()}`);
    }
  }
  if (unexpected > 0) problems.push(`${unexpected} recorded tokens were never sent`);
  if (duplicated > 0) problems.push(`${duplicated} tokens were recorded twice`);
  const missing = expected.size - (seen.size - unexpected);
  if (missing > 0) problems.push(`${missing} sent tokens never reached the mock`);
  return problems;
}
