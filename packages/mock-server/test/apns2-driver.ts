// Drives apns2 12.2.0 in a process of its own, for test/http2-apns2.test.ts. apns2 takes no CA
// option: it dials https://<host>:443 through its own undici Pool with Node's default trust store,
// which NODE_EXTRA_CA_CERTS (read once, at process start) extends with the mock's CA. So the
// client runs unmodified here, with the CA given in its environment.
// Protocol: one JSON command per stdin line, {"tokens":[...],"type"?,"priority"?}; one JSON line of
// outcomes per command on stdout. The client closes when stdin ends.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ApnsClient, ApnsError, Notification, type NotificationOptions } from 'apns2';

export interface Apns2Command {
  readonly tokens: readonly string[];
  readonly type?: NotificationOptions['type'];
  readonly priority?: NotificationOptions['priority'];
}

/** What apns2 gave back for one device token. */
export interface Apns2Outcome {
  readonly token: string;
  readonly sent: boolean;
  readonly status?: number;
  readonly reason?: string;
  readonly timestamp?: number;
  /** A failure that was not an APNs answer (connection errors): its class and message. */
  readonly error?: string;
}

function environment(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`apns2 driver: ${name} is not set`);
  return value;
}

const client = new ApnsClient({
  host: environment('APNS2_HOST'),
  team: environment('APNS2_TEAM_ID'),
  keyId: environment('APNS2_KEY_ID'),
  signingKey: readFileSync(environment('APNS2_KEY_PATH'), 'utf8'),
  defaultTopic: environment('APNS2_TOPIC'),
});

async function run(command: Apns2Command): Promise<Apns2Outcome[]> {
  const options: NotificationOptions = { alert: 'Hello', ...(command.type ? { type: command.type } : {}), ...(command.priority ? { priority: command.priority } : {}) };
  const results = await client.sendMany(command.tokens.map((token) => new Notification(token, options)));
  return results.map((result, index): Apns2Outcome => {
    const token = command.tokens[index]!;
    if (result instanceof Notification) return { token, sent: true };
    const { error } = result as { error: unknown };
    if (error instanceof ApnsError) return { token, sent: false, status: error.statusCode, reason: error.reason, timestamp: error.timestamp };
    const failure = error as Error;
    return { token, sent: false, error: `${failure.name}: ${failure.message}` };
  });
}

// Commands run one after another: the test changes the mock's faults between them.
let queue = Promise.resolve();
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  queue = queue.then(async () => {
    process.stdout.write(`${JSON.stringify(await run(JSON.parse(line) as Apns2Command))}\n`);
  });
});
lines.on('close', () => {
  void queue.then(() => client.close());
});
