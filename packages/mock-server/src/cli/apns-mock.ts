#!/usr/bin/env node
import { createMockServer, type MockServer } from '../index.js';
import { isMockServerError } from '../errors.js';
import { HELP, parseCliArgs, UsageError, type CliArgs } from './args.js';

function line(record: object): void {
  process.stdout.write(JSON.stringify(record) + '\n');
}

/** The one JSON line that says the server is ready: ports and certificate paths. */
export function readyLine(mock: MockServer): object {
  const { paths } = mock.certs;
  return {
    event: 'ready',
    host: mock.host,
    gatewayPort: mock.gateway.port,
    feedbackPort: mock.feedback.port,
    http2Port: mock.http2.port,
    controlPort: mock.control?.port ?? null,
    topic: mock.certs.topic,
    // The provider-token signing key made at start (a test key: its path, never its content).
    authKey: mock.http2.defaultKey.path,
    keyId: mock.http2.defaultKey.keyId,
    teamId: mock.http2.defaultKey.teamId,
    certsDir: paths.dir,
    ca: paths.ca,
    clientCert: paths.clientCert,
    clientKey: paths.clientKey,
    clientP12: paths.clientP12,
    // A throwaway passphrase of generated test certificates: printed so that clients can load the .p12.
    p12Passphrase: mock.certs.p12Passphrase,
    productionCert: paths.productionCert,
    productionKey: paths.productionKey,
    productionP12: paths.productionP12,
  };
}

function logEvents(mock: MockServer): void {
  mock.on('connection', (event) => line({ event: 'connection', ...event }));
  mock.on('disconnect', (event) => line({ event: 'disconnect', ...event }));
  mock.on('rejection', (rejection) => line({ event: 'rejection', ...rejection, token: rejection.token ?? null, id: rejection.id ?? null }));
  mock.on('refused', (event) => line({ event: 'refused', ...event }));
  mock.on('tls-error', (event) => line({ event: 'tls-error', ...event }));
  mock.on('limit', (event) => line({ event: 'limit', ...event }));
  mock.on('feedback', (event) => line({ event: 'feedback', ...event }));
}

async function main(): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`apns-mock: ${error.message}\nRun apns-mock --help for the options.\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(HELP);
    return 0;
  }
  let mock: MockServer;
  try {
    mock = await createMockServer(args.options);
  } catch (error) {
    process.stderr.write(`apns-mock: ${(error as Error).message}\n`);
    return isMockServerError(error) && error.code !== 'APNS_ERR_CERTIFICATES' ? 2 : 1;
  }
  if (!args.quiet) logEvents(mock);
  line(readyLine(mock));
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void mock.close().then(() => {
        line({ event: 'closed', signal, stats: mock.stats() });
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`apns-mock: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
