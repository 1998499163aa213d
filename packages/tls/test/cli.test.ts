import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ApnsTlsError, resolveCredentials } from '../src/index.js';
import {
  CREDENTIAL_HELP_ROWS,
  addressHelpRows,
  exitCodeFor,
  formatCliError,
  formatHelp,
  integerFlag,
  looksLikeKeyMaterial,
  MAX_SHOWN_LENGTH,
  parseCommonFlags,
  secretsOf,
  shownValue,
  UsageError,
  type ParsedCommandLine,
  type ParseCommandLineOptions,
} from '../src/cli-support.js';
import { thrown } from './helpers.js';

const SERVICE: ParseCommandLineOptions['service'] = {
  sandbox: { host: 'feedback.sandbox.push.apple.com', port: 2196 },
  production: { host: 'feedback.push.apple.com', port: 2196 },
  defaultPort: 2196,
};

function parse(argv: string[], extra: Partial<ParseCommandLineOptions> = {}): Extract<ParsedCommandLine, { help: false }> {
  const parsed = parseCommonFlags(argv, { service: SERVICE, env: {}, ...extra });
  if (parsed.help) throw new Error('unexpected --help');
  return parsed;
}

test('address flags: --address, --gateway, --sandbox, --production', () => {
  assert.equal(parse(['--address', '127.0.0.1:9', '--pfx', 'a.p12']).common.address, { host: '127.0.0.1', port: 9 });
  assert.equal(parse(['--gateway', 'localhost', '--pfx', 'a.p12']).common.address, { host: 'localhost', port: 2196 });
  const sandbox = parse(['--sandbox', '--pfx', 'a.p12']);
  assert.equal(sandbox.common.address, SERVICE.sandbox);
  assert.is(sandbox.common.tls.environment, 'sandbox');
  const production = parse(['--production', '--cert', 'c.pem', '--key', 'k.pem']);
  assert.equal(production.common.address, SERVICE.production);
  assert.is(production.common.tls.environment, 'production');
});

test('credential flags, passphrase from the flag or APNS_PASSPHRASE, repeated --ca, --insecure, --json', () => {
  const parsed = parse(['--address', 'h:1', '--pfx', 'a.p12', '--ca', 'one.pem', '--ca', 'two.pem', '--insecure', '--json'], {
    env: { APNS_PASSPHRASE: 'from-env' },
  });
  assert.equal(parsed.common.tls, {
    pfx: 'a.p12',
    passphrase: 'from-env',
    ca: ['one.pem', 'two.pem'],
    insecureSkipServerVerification: true,
  });
  assert.is(parsed.common.json, true);
  const flagWins = parse(['--address', 'h:1', '--cert', 'c', '--key', 'k', '--passphrase', 'from-flag'], { env: { APNS_PASSPHRASE: 'from-env' } });
  assert.equal(flagWins.common.tls, { cert: 'c', key: 'k', passphrase: 'from-flag' });
  assert.is(flagWins.common.json, false);
  assert.is(parse(['--address', 'h:1', '--pfx', 'a'], { env: { APNS_PASSPHRASE: '' } }).common.tls.passphrase, undefined);
});

test('the process environment is the default for APNS_PASSPHRASE', () => {
  const saved = process.env.APNS_PASSPHRASE;
  process.env.APNS_PASSPHRASE = 'process-env';
  try {
    const parsed = parseCommonFlags(['--address', 'h:1', '--pfx', 'a'], { service: SERVICE });
    assert.is(!parsed.help && parsed.common.tls.passphrase, 'process-env');
  } finally {
    if (saved === undefined) delete process.env.APNS_PASSPHRASE;
    else process.env.APNS_PASSPHRASE = saved;
  }
});

test('command flags and positionals pass through', () => {
  const parsed = parse(['--address', 'h:1', '--pfx', 'a', '--timeout', '500', 'extra'], {
    flags: { timeout: { type: 'string' } },
    allowPositionals: true,
  });
  assert.is(integerFlag(parsed.values.timeout, 'timeout', { min: 1, max: 1000 }), 500);
  assert.equal(parsed.positionals, ['extra']);
});

test('--help wins over missing and bad flags', () => {
  assert.is(parseCommonFlags(['--help'], { service: SERVICE }).help, true);
  assert.is(parseCommonFlags(['-h', '--sandbox', '--production'], { service: SERVICE }).help, true);
});

test('usage errors say what to fix', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--pfx', 'a'], /no server given: add --sandbox, --production or --address/],
    [['--sandbox', '--address', 'h:1', '--pfx', 'a'], /choose one server: --address and --sandbox/],
    [['--address', 'h:99999', '--pfx', 'a'], /--address: invalid address/],
    [['--address', 'h:1'], /no client certificate: add --pfx FILE/],
    [['--address', 'h:1', '--pfx', 'a', '--cert', 'c'], /either --pfx FILE, or --cert FILE and --key FILE/],
    [['--address', 'h:1', '--cert', 'c'], /--cert needs --key FILE/],
    [['--address', 'h:1', '--key', 'k'], /--key needs --cert FILE/],
    [['--address', 'h:1', '--pfx', 'a', '--bogus'], /Unknown option '--bogus'/],
    [['--address'], /argument missing/],
    [['--address', 'h:1', '--pfx', 'a', 'stray'], /Unexpected argument 'stray'/],
  ];
  for (const [argv, expected] of cases) {
    const error = thrown(() => parse(argv));
    assert.instance(error, UsageError, argv.join(' '));
    assert.match(error.message, expected);
    assert.is(exitCodeFor(error), 2);
  }
});

test('integerFlag bounds', () => {
  assert.is(integerFlag(undefined, 'n', { min: 1, max: 2 }), undefined);
  for (const bad of ['0', '3', '-1', '1.5', 'x', true]) {
    assert.match(thrown(() => integerFlag(bad, 'n', { min: 1, max: 2 })).message, '--n must be a whole number from 1 to 2');
  }
});

test('exit codes and error lines', () => {
  assert.is(exitCodeFor(new ApnsTlsError('APNS_ERR_TLS_FILE_NOT_FOUND', 'pfx file not found')), 2);
  assert.is(exitCodeFor(new Error('boom')), 1);
  assert.is(exitCodeFor('text'), 1);
  assert.is(formatCliError('apns-x', new UsageError('add --pfx')), 'apns-x: add --pfx\nRun "apns-x --help" for usage.\n');
  assert.is(
    formatCliError('apns-x', new ApnsTlsError('APNS_ERR_TLS_FILE_NOT_FOUND', 'pfx file not found')),
    'apns-x: pfx file not found [APNS_ERR_TLS_FILE_NOT_FOUND]\n',
  );
  assert.is(formatCliError('apns-x', 'plain'), 'apns-x: plain\n');
});

test('secrets from the command line and the environment are redacted from error lines', () => {
  const argv = ['--address', 'h:1', '--passphrase', 'flag-secret', '--passphrase=inline-secret', '--timeout', 'flag-secret', '--passphrase'];
  const secrets = secretsOf(argv, { APNS_PASSPHRASE: 'env-secret' });
  assert.equal(secrets, ['flag-secret', 'inline-secret', 'env-secret']);
  const line = formatCliError('apns-x', new UsageError('--timeout must be a whole number, got "flag-secret" (env-secret, inline-secret)'), secrets);
  assert.is(line, 'apns-x: --timeout must be a whole number, got "<redacted>" (<redacted>, <redacted>)\nRun "apns-x --help" for usage.\n');
  assert.equal(secretsOf(['--passphrase='], {}), []);
  const saved = process.env.APNS_PASSPHRASE;
  delete process.env.APNS_PASSPHRASE;
  try {
    assert.equal(secretsOf([]), []);
  } finally {
    if (saved !== undefined) process.env.APNS_PASSPHRASE = saved;
  }
});

test('formatHelp aligns the flag column and lists examples', () => {
  const text = formatHelp({
    summary: 'Reads things.',
    usage: ['apns-x --sandbox --pfx FILE'],
    sections: [
      { title: 'Server', rows: addressHelpRows('address', 'a:1', 'b:2') },
      { title: 'Credentials', rows: CREDENTIAL_HELP_ROWS },
    ],
    examples: ['apns-x --sandbox --pfx cert.p12'],
  });
  assert.match(text, /^Reads things\.\n\nUsage:\n  apns-x --sandbox --pfx FILE\n\nServer:\n  --address HOST:PORT {2,}server/);
  assert.match(text, 'APNS_PASSPHRASE');
  assert.match(text, 'INSECURE');
  assert.match(text, /Examples:\n  apns-x --sandbox --pfx cert.p12\n$/);
  const columns = text.split('\n').filter((line) => line.startsWith('  --')).map((line) => line.search(/\S/g) + line.slice(2).search(/ {2}\S/) + 2);
  assert.ok(new Set(columns).size === 1, 'one description column');
  assert.not.match(formatHelp({ summary: 's', usage: [], sections: [] }), 'Examples');
});

test.run();

test('every --passphrase and any flag value that looks like key material is kept out of error lines', () => {
  const key = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n';
  const argv = ['--passphrase', 'decoy', '--passphrase', 'S3cr3t', '--pfx', 'S3cr3t', `--tokens-file=${key}`];
  const secrets = secretsOf(argv, {});
  assert.equal(secrets, ['decoy', 'S3cr3t', key]);
  const line = formatCliError('apns-x', new Error(`pfx file not found: S3cr3t; tokens ${key}; inline ${key.slice(0, 40)}`), secrets);
  assert.not.match(line, 'S3cr3t');
  assert.not.match(line, 'MIIEvQ');
  assert.not.match(line, 'PRIVATE KEY');
  assert.match(line, '<redacted>');
});

test('shownValue: key material never shown, long values cut with their length', () => {
  assert.is(shownValue('certs/client.p12'), 'certs/client.p12');
  assert.is(shownValue('-----BEGIN CERTIFICATE-----\nMIIB'), '<key material, not shown>');
  assert.is(shownValue('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'.repeat(10)), '<key material, not shown>');
  const long = shownValue('z'.repeat(10 * 1024 * 1024));
  assert.is(long, `${'z'.repeat(MAX_SHOWN_LENGTH)}... (${10 * 1024 * 1024} characters)`);
  assert.ok(looksLikeKeyMaterial('x PRIVATE KEY x'));
  assert.not.ok(looksLikeKeyMaterial('/home/me/push.p12'));
});

test('a credential file path that holds key material is not echoed by the loader', () => {
  const key = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----';
  const error = thrown(() => resolveCredentials({ pfx: key }));
  assert.instance(error, ApnsTlsError);
  assert.is(error.message, 'pfx file not found: <key material, not shown>; check the path');
});

test('a refused or untrusted certificate in a connection failure is exit code 2', () => {
  const failed = (kind: string): Error => Object.assign(new Error('connection failed'), { failure: { kind } });
  assert.is(exitCodeFor(failed('server-certificate')), 2);
  assert.is(exitCodeFor(failed('client-certificate-rejected')), 2);
  assert.is(exitCodeFor(failed('refused')), 1);
  assert.is(exitCodeFor(null), 1);
});
