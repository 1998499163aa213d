// apns-send --help
import { addressHelpRows, CREDENTIAL_HELP_ROWS, formatHelp } from '@apnskit/tls/cli';

export const HELP = formatHelp({
  summary: "apns-send: send push notifications through Apple's HTTP/2 provider API (--http2) or the binary gateway (or a mock of either), and report what was delivered.",
  usage: [
    'apns-send (--gateway HOST:PORT | --sandbox | --production) (--pfx FILE | --cert FILE --key FILE)',
    '          [--ca FILE] [--insecure] (--token HEX ... | --tokens-file FILE)',
    '          (--alert TEXT [--badge N] [--sound NAME] | --payload JSON) [--priority 10|5]',
    '          [--expiry SECONDS] [--format frame|enhanced|simple] [--connections N] [--json]',
    'apns-send --http2 (--gateway HOST:PORT | --sandbox | --production)',
    '          (--auth-key FILE --key-id ID --team-id ID --topic BUNDLE_ID | --pfx FILE | --cert FILE --key FILE)',
    '          [--push-type TYPE] [--collapse-id ID] [--transport direct|node-http2] ... the recipient, message and output flags above',
    '          [--checkpoint-every N] [--max-retries N] [--silent-close resend|unconfirmed]',
  ],
  sections: [
    {
      title: 'Server',
      rows: addressHelpRows('gateway', 'gateway.sandbox.push.apple.com:2195', 'gateway.push.apple.com:2195'),
    },
    { title: 'Credentials', rows: CREDENTIAL_HELP_ROWS },
    {
      title: 'HTTP/2 provider API',
      rows: [
        ['--http2', "use Apple's HTTP/2 provider API: --sandbox is api.sandbox.push.apple.com:443, --production api.push.apple.com:443"],
        ['--auth-key FILE', 'token auth: the AuthKey_<KEYID>.p8 file from the developer portal (with --key-id and --team-id)'],
        ['--key-id ID', 'the 10-character key id of that key'],
        ['--team-id ID', 'your 10-character team id'],
        ['--topic BUNDLE_ID', "your app's bundle id (needed with token auth; a certificate's own by default)"],
        ['--push-type TYPE', 'alert, background, voip, ... (default: inferred from the payload); the topic gets its suffix'],
        ['--collapse-id ID', 'notifications with the same id replace each other on the device (at most 64 bytes)'],
        ['--transport NAME', "direct (default: frames written by apns-send itself) or node-http2 (Node's own HTTP/2 client, slower)"],
        ['', 'with --json: {"token","status","reason"} per failure (410 adds "timestamp"), {"token","unconfirmed":true,"reason"}'],
      ],
    },
    {
      title: 'Recipients',
      rows: [
        ['--token HEX', 'a device token, 64 hex digits (any whole number of bytes with --http2); repeat the flag for more'],
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
    '# HTTP/2 with a provider token key, to the sandbox',
    'apns-send --http2 --sandbox --auth-key AuthKey_ABC123DEFG.p8 --key-id ABC123DEFG --team-id DEF123GHIJ \\',
    '  --topic com.example.app --token 740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad --alert "Hello"',
    '',
    '# against a local mock server (npx apns-mock prints its ports and certificate paths)',
    'apns-send --gateway 127.0.0.1:2195 --ca certs/ca.pem --cert certs/client-cert.pem --key certs/client-key.pem \\',
    '  --token 740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad --alert "Hi" --badge 1',
  ],
});
