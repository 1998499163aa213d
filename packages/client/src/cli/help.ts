// apns-send --help
import { addressHelpRows, CREDENTIAL_HELP_ROWS, formatHelp } from '@apnskit/tls';

export const HELP = formatHelp({
  summary: "apns-send: send push notifications through Apple's binary gateway (or a mock of it), and report what was delivered.",
  usage: [
    'apns-send (--gateway HOST:PORT | --sandbox | --production) (--pfx FILE | --cert FILE --key FILE)',
    '          [--ca FILE] [--insecure] (--token HEX ... | --tokens-file FILE)',
    '          (--alert TEXT [--badge N] [--sound NAME] | --payload JSON) [--priority 10|5]',
    '          [--expiry SECONDS] [--format frame|enhanced|simple] [--connections N] [--json]',
    '          [--checkpoint-every N] [--max-retries N] [--silent-close resend|unconfirmed]',
  ],
  sections: [
    {
      title: 'Server',
      rows: addressHelpRows('gateway', 'gateway.sandbox.push.apple.com:2195', 'gateway.push.apple.com:2195'),
    },
    { title: 'Credentials', rows: CREDENTIAL_HELP_ROWS },
    {
      title: 'Recipients',
      rows: [
        ['--token HEX', 'a device token, 64 hex digits; repeat the flag for more'],
        ['--tokens-file FILE', 'one token per line (blank lines skipped); read as a stream, so millions are fine;'],
        ['', 'a line that is not a token is reported with its line number and counted as failed'],
      ],
    },
    {
      title: 'Message',
      rows: [
        ['--alert TEXT', 'alert text; builds {"aps":{"alert":TEXT}}'],
        ['--badge N', 'badge number to show (0 clears it); with --alert'],
        ['--sound NAME', 'sound to play, e.g. default; with --alert'],
        ['--payload JSON', 'the whole payload as a JSON object (instead of --alert), at most 2048 bytes'],
        ['--priority 10|5', '10 = deliver now (default), 5 = when power allows (required for background pushes)'],
        ['--expiry SECONDS', 'how long Apple may keep trying, in seconds from now; 0 = deliver once or drop (default)'],
        ['--format NAME', 'frame (command 2, default), enhanced (command 1) or simple (command 0: no error reports)'],
        ['--connections N', 'connections to open in parallel (default 1)'],
      ],
    },
    {
      title: 'Reliability',
      rows: [
        ['--checkpoint-every N', 'prove delivery with a probe after about N notifications per connection and go on on a new one;'],
        ['', 'bounds what a silent close puts in doubt (default 50000; 0 = by age only: half the 15 s window)'],
        ['--max-retries N', 'resends of a notification whose fate a silent close or reset left unknown, before it is'],
        ['', 'reported unconfirmed (default 3)'],
        ['--silent-close NAME', 'resend (default): resend what a silent close left in doubt, confirmed before new work;'],
        ['', 'unconfirmed: report it instead (no possible duplicates)'],
      ],
    },
    {
      title: 'Output',
      rows: [
        ['--json', 'stdout gets one JSON line per failed notification ({"token","status","name"}) and per unconfirmed one'],
        ['', '({"token","unconfirmed":true,"reason"}), then one line of totals'],
        ['-h, --help', 'show this help'],
      ],
    },
    {
      title: 'Exit codes',
      rows: [
        ['0', 'every notification was delivered (confirmed by the gateway)'],
        ['1', 'some notification failed or is unconfirmed'],
        ['2', 'the command line or the credentials need fixing (the message says what)'],
      ],
    },
  ],
  examples: [
    '# one alert through the sandbox, credentials from a .p12 (passphrase from the environment)',
    'APNS_PASSPHRASE=secret apns-send --sandbox --pfx push.p12 --token 740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad --alert "Hello"',
    '',
    '# a million tokens from a file, 4 connections, failures as JSON lines for a script',
    'apns-send --production --cert cert.pem --key key.pem --tokens-file tokens.txt \\',
    '  --payload \'{"aps":{"alert":"Sale ends tonight","sound":"default"}}\' --connections 4 --json',
    '',
    '# against a local mock server (npx apns-mock prints its ports and certificate paths)',
    'apns-send --gateway 127.0.0.1:2195 --ca certs/ca.pem --cert certs/client-cert.pem --key certs/client-key.pem \\',
    '  --token 740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad --alert "Hi" --badge 1',
  ],
});
