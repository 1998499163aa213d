import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { MockServerOptions } from '../options.js';

/**
 * The user's own cache directory, not a fixed name in the shared /tmp where another user could
 * create it first: $XDG_CACHE_HOME/apnskit/mock-certs, else ~/.cache/apnskit/mock-certs.
 */
export function defaultCertsDir(env: Readonly<Record<string, string | undefined>>): string {
  const cache = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(cache, 'apnskit', 'mock-certs');
}

export const HELP = `apns-mock: a scriptable mock of Apple's HTTP/2 provider API, binary push gateway and feedback service

Usage: apns-mock [options]

Options:
  --host ADDRESS           loopback address to listen on (default 127.0.0.1; ::1 for IPv6)
  --gateway-port N         gateway port (default 2195; 0 picks a free port)
  --feedback-port N        feedback service port (default 2196; 0 picks a free port)
  --http2-port N           HTTP/2 provider API port (default 2197; 0 picks a free port)
  --http2-max-streams N    stream limit of an authenticated HTTP/2 connection (default 1000)
  --control-port N         start the HTTP control API on this port (0 picks a free port)
  --certs-dir DIR          where the CA, server and client certificates are written and
                           reused while valid; created mode 0700, and refused when another user
                           owns it or can enter it (default $XDG_CACHE_HOME/apnskit/mock-certs,
                           else ~/.cache/apnskit/mock-certs)
  --topic BUNDLE_ID        topic of the client certificates (their subject UID) and of HTTP/2 pushes
                           (default com.example.app)
  --script FILE            JSON script: {"faults":[...],"feedback":[...],"feedbackOptions":{...}}
  --seed N                 seed of the reject-random generator (default 1)
  --environment NAME       sandbox (default) or production
  --enforce-environment    close (no error packet) connections whose certificate lacks this
                           environment's push OID, as Apple's sandbox did with production certificates
  --payload-limit N        largest payload accepted (default 2048)
  --p12-passphrase TEXT    passphrase of the .p12 files (default apnskit-mock)
  --control-token TOKEN    control API requests must send "Authorization: Bearer TOKEN"
                           (16+ characters; also read from APNS_MOCK_CONTROL_TOKEN)
  --max-connections N      open connections per listener (default 256); at the cap a new one
                           evicts the oldest still in its TLS handshake, else it is refused
  --handshake-timeout-ms N close connections whose TLS handshake (or HTTP request headers)
                           took longer (default 10000)
  --idle-timeout-ms N      close connections with no bytes either way for this long (default 300000)
  --max-body-bytes N       largest control API request body (default 16777216); larger get 413
  --quiet                  print only the ready line
  -h, --help               show this help

When ready it prints one JSON line with the ports and certificate paths, then one JSON line per
connection, disconnection and rejection. SIGINT or SIGTERM closes it cleanly.

Examples:
  apns-mock
  apns-mock --gateway-port 0 --feedback-port 0 --http2-port 0 --control-port 0 --certs-dir ./certs
  apns-mock --script faults.json --seed 42
  curl -X POST localhost:8080/faults -d '{"type":"reject-token","token":"<64 hex>","status":8,"feedback":true}'
`;

/** A usage error: printed with the help hint, exit code 2. */
export class UsageError extends Error {}

export interface CliArgs {
  readonly help: boolean;
  readonly quiet: boolean;
  readonly options: MockServerOptions;
}

function port(name: string, text: string | undefined, fallback: number | undefined): number | undefined {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65535) throw new UsageError(`--${name} must be a port number from 0 to 65535, got "${text}"`);
  return value;
}

function integer(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`--${name} must be a whole number, got "${text}"`);
  return Number(text);
}

/** Environment variable read for the control token when --control-token is not given. */
export const CONTROL_TOKEN_ENV = 'APNS_MOCK_CONTROL_TOKEN';

export function parseCliArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): CliArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        'gateway-port': { type: 'string' },
        'feedback-port': { type: 'string' },
        'control-port': { type: 'string' },
        'http2-port': { type: 'string' },
        'http2-max-streams': { type: 'string' },
        'certs-dir': { type: 'string' },
        topic: { type: 'string' },
        script: { type: 'string' },
        seed: { type: 'string' },
        environment: { type: 'string' },
        'enforce-environment': { type: 'boolean' },
        'payload-limit': { type: 'string' },
        'p12-passphrase': { type: 'string' },
        'control-token': { type: 'string' },
        'max-connections': { type: 'string' },
        'handshake-timeout-ms': { type: 'string' },
        'idle-timeout-ms': { type: 'string' },
        'max-body-bytes': { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const environment = values.environment;
  if (environment !== undefined && environment !== 'sandbox' && environment !== 'production') {
    throw new UsageError(`--environment must be sandbox or production, got "${environment}"`);
  }
  return {
    help: values.help === true,
    quiet: values.quiet === true,
    options: {
      host: values.host,
      gatewayPort: port('gateway-port', values['gateway-port'], 2195),
      feedbackPort: port('feedback-port', values['feedback-port'], 2196),
      controlPort: port('control-port', values['control-port'], undefined),
      http2Port: port('http2-port', values['http2-port'], 2197),
      http2MaxConcurrentStreams: integer('http2-max-streams', values['http2-max-streams']),
      certsDir: values['certs-dir'] ?? defaultCertsDir(env),
      topic: values.topic,
      script: values.script,
      seed: integer('seed', values.seed),
      environment,
      enforceEnvironment: values['enforce-environment'],
      payloadLimit: integer('payload-limit', values['payload-limit']),
      p12Passphrase: values['p12-passphrase'],
      controlToken: values['control-token'] ?? (env[CONTROL_TOKEN_ENV] || undefined),
      maxConnections: integer('max-connections', values['max-connections']),
      handshakeTimeoutMs: integer('handshake-timeout-ms', values['handshake-timeout-ms']),
      idleTimeoutMs: integer('idle-timeout-ms', values['idle-timeout-ms']),
      maxBodyBytes: integer('max-body-bytes', values['max-body-bytes']),
    },
  };
}
