// apns-send's command-line parsing, payload building, tokens and output, in process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '@apnskit/tls/cli';
import { parseSendCommand, type SendCommand } from '../src/cli/options.js';
import { buildPayload } from '../src/cli/payload.js';
import { parseTokenLine, TokenLines, TokensFile } from '../src/cli/tokens.js';
import { jsonOutput, progressLine, textOutput, type Totals } from '../src/cli/output.js';

const TOKEN = '740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad';
const BASE = ['--gateway', '127.0.0.1:2195', '--cert', 'c.pem', '--key', 'k.pem', '--token', TOKEN, '--alert', 'Hi'];

async function usageError(argv: string[], pattern: RegExp): Promise<void> {
  try {
    await parseSendCommand(argv, {});
  } catch (error) {
    assert.instance(error, UsageError);
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected a usage error for ${argv.join(' ')}`);
}

async function command(argv: string[], env: Record<string, string> = {}): Promise<SendCommand> {
  const parsed = await parseSendCommand(argv, env, () => 1_700_000_000_000);
  if (parsed.help) throw new Error('unexpected --help');
  return parsed;
}

const options = suite('apns-send options');

options('defaults: frame format, priority 10, expiry 0, one connection, text output', async () => {
  const parsed = await command(BASE);
  assert.equal(parsed.address, { host: '127.0.0.1', port: 2195 });
  assert.equal(parsed.tls, { cert: 'c.pem', key: 'k.pem' });
  assert.is(parsed.format, 'frame');
  assert.is(parsed.priority, 10);
  assert.is(parsed.expiry, 0);
  assert.is(parsed.connections, 1);
  assert.is(parsed.json, false);
  assert.equal(parsed.tokens, { kind: 'list', tokens: [Buffer.from(TOKEN, 'hex')] });
  assert.is(parsed.payload.toString(), '{"aps":{"alert":"Hi"}}');
});

options('every flag', async () => {
  const parsed = await command(
    [...BASE, '--token', TOKEN.toUpperCase(), '--priority', '5', '--expiry', '3600', '--format', 'enhanced', '--connections', '4', '--json', '--ca', 'ca.pem', '--insecure'],
    { APNS_PASSPHRASE: 'from-env' },
  );
  assert.is(parsed.priority, 5);
  assert.is(parsed.expiry, 1_700_000_000 + 3600);
  assert.is(parsed.format, 'enhanced');
  assert.is(parsed.connections, 4);
  assert.is(parsed.json, true);
  assert.equal(parsed.tls, { cert: 'c.pem', key: 'k.pem', passphrase: 'from-env', ca: ['ca.pem'], insecureSkipServerVerification: true });
  assert.is(parsed.tokens.kind === 'list' && parsed.tokens.tokens.length, 2);
});

options('--help wins over everything', async () => {
  assert.equal(await parseSendCommand(['--help', '--priority', '7'], {}), { help: true });
  assert.equal(await parseSendCommand(['-h'], {}), { help: true });
});

options('usage errors say what to fix', async () => {
  const withoutAlert = BASE.slice(0, -2);
  await usageError([], /no server given: add --sandbox, --production or --gateway HOST:PORT/);
  await usageError(withoutAlert, /--alert TEXT .* or --payload JSON/);
  await usageError([...withoutAlert, '--badge', '1'], /--badge and --sound go with --alert/);
  await usageError([...BASE, '--payload', '{}'], /either --payload JSON or --alert/);
  await usageError([...withoutAlert, '--payload', '{nope'], /--payload is not valid JSON/);
  await usageError([...withoutAlert, '--payload', '[1]'], /must be a JSON object/);
  await usageError([...withoutAlert, '--payload', JSON.stringify({ aps: { alert: 'x'.repeat(3000) } })], /over the 2048-byte limit/);
  await usageError([...BASE, '--badge=-1'], /--badge must be a whole number/);
  await usageError([...BASE, '--sound', ''], /--sound needs a sound name/);
  await usageError([...BASE, '--priority', '7'], /--priority must be 10 .* or 5/);
  await usageError([...BASE, '--format', 'json'], /--format must be one of frame, enhanced, simple/);
  await usageError([...BASE, '--connections', '0'], /--connections must be a whole number from 1 to 64/);
  await usageError([...BASE, '--expiry', 'soon'], /--expiry must be a whole number/);
  await usageError([...BASE, '--checkpoint-every', 'often'], /--checkpoint-every must be a whole number/);
  await usageError([...BASE, '--max-retries', '101'], /--max-retries must be a whole number from 0 to 100/);
  await usageError([...BASE, '--silent-close', 'drop'], /--silent-close must be resend or unconfirmed/);
  await usageError([...BASE, '--token', 'abc'], /--token "abc" is not a device token: give 64 hex digits/);
  await usageError([...BASE, '--tokens-file', 'x.txt'], /either --token HEX .* or --tokens-file FILE, not both/);
  await usageError(BASE.filter((_, index) => index < 6 || index > 7), /no recipients/);
  await usageError([...BASE, '--bogus'], /Unknown option '--bogus'/);
});

options('--tokens-file must exist and be a readable file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'apns-send-options-'));
  try {
    const withoutToken = BASE.filter((_, index) => index < 6 || index > 7);
    await usageError([...withoutToken, '--tokens-file', join(dir, 'missing.txt')], /missing\.txt does not exist; check the path/);
    await usageError([...withoutToken, '--tokens-file', dir], /is not a file/);
    const file = join(dir, 'tokens.txt');
    writeFileSync(file, `${TOKEN}\n`);
    const parsed = await command([...withoutToken, '--tokens-file', file]);
    assert.equal(parsed.tokens, { kind: 'file', path: file, size: 65 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

options('payload from --alert, --badge and --sound, or --payload as given', () => {
  assert.is(buildPayload({ alert: 'Hi', badge: '0', sound: 'default' }).toString(), '{"aps":{"alert":"Hi","badge":0,"sound":"default"}}');
  assert.is(buildPayload({ payload: ' { "aps" : { "content-available" : 1 } } ' }).toString(), '{"aps":{"content-available":1}}');
});

const tokens = suite('apns-send tokens');

tokens('a line is a token, blank, or malformed with its line number', () => {
  assert.equal(parseTokenLine(`  ${TOKEN}\r`, 3), { kind: 'token', token: Buffer.from(TOKEN, 'hex'), line: 3 });
  assert.equal(parseTokenLine(TOKEN, 2), { kind: 'token', token: Buffer.from(TOKEN, 'hex'), line: 2 });
  assert.is(parseTokenLine(`${TOKEN.slice(0, 62)}zz`, 6)?.kind, 'malformed');
  assert.is(parseTokenLine(`${TOKEN.slice(0, 63)}z`, 7)?.kind, 'malformed');
  assert.is(parseTokenLine('   ', 4), undefined);
  const malformed = parseTokenLine('xyz', 5);
  assert.is(malformed?.kind, 'malformed');
  assert.is(malformed?.line, 5);
  assert.match(malformed?.kind === 'malformed' ? malformed.reason : '', /hexadecimal/);
});

tokens('a file streams entries in order and can stop early', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'apns-send-tokens-'));
  try {
    const path = join(dir, 'tokens.txt');
    writeFileSync(path, `${TOKEN}\n\nnot-a-token\r\n${TOKEN}`);
    const file = new TokensFile(path, 0);
    const seen = [];
    for await (const entry of file.entries()) seen.push(`${entry.kind}@${entry.line}`);
    assert.equal(seen, ['token@1', 'malformed@3', 'token@4']);
    assert.ok(file.bytesRead > 0);
    const stopped = new TokensFile(path, 0);
    let count = 0;
    for await (const entry of stopped.entries()) {
      count += entry.kind === 'token' ? 1 : 0;
      stopped.stop();
    }
    assert.ok(count >= 1);
    const early = new TokensFile(path, 0);
    early.stop();
    for await (const entry of early.entries()) assert.unreachable(`read ${entry.kind} after stop()`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

tokens('a file read in many small blocks gives every line once, in order, with lines cut across blocks and one longer than a block', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'apns-send-tokens-'));
  try {
    const lines: string[] = [];
    for (let index = 0; index < 300; index += 1) {
      const token = index.toString(16).padStart(8, '0') + TOKEN.slice(8);
      if (index % 37 === 5) lines.push('not-a-token');
      else if (index % 41 === 7) lines.push('');
      else if (index === 150) lines.push('f'.repeat(700));
      else lines.push(index % 3 === 0 ? `${token}\r` : ` <${token}> `);
    }
    const path = join(dir, 'tokens.txt');
    writeFileSync(path, lines.join('\n'));
    const expected = lines.flatMap((text, index) => {
      if (text.length > 200) return [`malformed@${index + 1}`];
      const entry = parseTokenLine(text, index + 1);
      return entry === undefined ? [] : [entry.kind === 'token' ? `token:${entry.token.toString('hex')}@${entry.line}` : `malformed@${entry.line}`];
    });
    for (const blockBytes of [200, 257, 1024]) {
      const file = new TokensFile(path, 0, {}, blockBytes);
      const seen: string[] = [];
      for await (const entry of file.entries()) seen.push(entry.kind === 'token' ? `token:${entry.token.toString('hex')}@${entry.line}` : `malformed@${entry.line}`);
      assert.equal(seen, expected, `blocks of ${blockBytes} bytes`);
      assert.is(file.bytesRead, lines.join('\n').length);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

tokens('nextTokens packs runs of usual lines (LF or CRLF) and leaves every other line to next(): together they read what next() alone reads', () => {
  const lineText = fc.oneof(
    fc.uint8Array({ minLength: 32, maxLength: 32 }).map((token) => Buffer.from(token).toString('hex')),
    fc.uint8Array({ minLength: 32, maxLength: 32 }).map((token) => `${Buffer.from(token).toString('hex').toUpperCase()}\r`),
    fc.uint8Array({ minLength: 32, maxLength: 32 }).map((token) => ` <${Buffer.from(token).toString('hex')}> `),
    fc.constantFrom('', 'not-a-token', 'zz'.repeat(32), 'ab'.repeat(31), 'ab'.repeat(33)),
  );
  fc.assert(
    fc.property(fc.array(lineText, { maxLength: 30 }), fc.integer({ min: 1, max: 7 }), fc.boolean(), (texts, max, finalNewline) => {
      const bytes = Buffer.from(texts.join('\n') + (finalNewline ? '\n' : ''), 'latin1');
      const alone: string[] = [];
      const single = new TokenLines(bytes, 0);
      for (let kind = single.next(); kind !== 'end'; kind = single.next()) alone.push(kind === 'token' ? `${single.token.toString('hex')}@${single.line}` : `malformed@${single.line}`);

      const together: string[] = [];
      const packed = Buffer.alloc(max * 32);
      const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
      const mixed = new TokenLines(bytes, 0);
      for (;;) {
        const before = mixed.line;
        const count = mixed.nextTokens(view, max);
        assert.ok(count <= max);
        for (let index = 0; index < count; index += 1) together.push(`${packed.toString('hex', index * 32, index * 32 + 32)}@${before + index + 1}`);
        if (count > 0) continue;
        const kind = mixed.next();
        if (kind === 'end') break;
        together.push(kind === 'token' ? `${mixed.token.toString('hex')}@${mixed.line}` : `malformed@${mixed.line}`);
      }
      assert.equal(together, alone);
    }),
    { numRuns: 1000, seed: 20261205 },
  );
});

tokens('a 64-digit line decodes in place to its bytes, in any case; one byte anywhere that is not a hex digit makes it malformed', () => {
  const HEX_DIGITS = new Set([...'0123456789abcdefABCDEF'].map((digit) => digit.charCodeAt(0)));
  // Any other byte (high bit set included), except blanks and line ends, which end or pad a line.
  const notHex = fc.integer({ min: 0, max: 255 }).filter((byte) => !HEX_DIGITS.has(byte) && byte !== 0x20 && (byte < 0x09 || byte > 0x0d));
  const line = fc.record({
    token: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    upper: fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
    corruption: fc.option(fc.record({ at: fc.nat(63), byte: notHex })),
  });
  fc.assert(
    fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), (lines) => {
      const texts = lines.map(({ token, upper, corruption }) => {
        const digits = Buffer.from([...Buffer.from(token).toString('hex')].map((digit, index) => (upper[index] ? digit.toUpperCase() : digit)).join(''), 'latin1');
        if (corruption !== null) digits[corruption.at] = corruption.byte;
        return digits;
      });
      const read = new TokenLines(Buffer.concat(texts.flatMap((digits) => [digits, Buffer.from('\n')])), 0);
      for (const { token, corruption } of lines) {
        const kind = read.next();
        if (corruption === null) assert.equal([kind, read.token.toString('hex')], ['token', Buffer.from(token).toString('hex')]);
        else assert.is(kind, 'malformed', `byte ${corruption.byte} at ${corruption.at}`);
      }
      assert.is(read.next(), 'end');
    }),
    { numRuns: 2000, seed: 20261205 },
  );
});

const output = suite('apns-send output');

class Capture {
  text = '';
  constructor(readonly isTTY = false) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

const TOTALS: Totals = { sent: 3, delivered: 2, failed: 1, unconfirmed: 0, resent: 1, elapsedMs: 1500 };

output('JSON lines: one per failure, then the totals', () => {
  const stdout = new Capture();
  const json = jsonOutput(stdout);
  json.progress({ sent: 1, failed: 0, fraction: 0.5, elapsedMs: 5000 });
  json.clearProgress();
  json.failure({ token: TOKEN, status: 8, name: 'invalid-token' });
  json.finish(TOTALS, new Map());
  const lines = stdout.text.trim().split('\n').map((line) => JSON.parse(line) as unknown);
  assert.equal(lines, [{ token: TOKEN, status: 8, name: 'invalid-token' }, TOTALS]);
});

output('text: a progress bar only on a terminal and only for long runs, then a summary', () => {
  const stdout = new Capture();
  const tty = new Capture(true);
  const text = textOutput(stdout, tty, '127.0.0.1:2195');
  text.progress({ sent: 10, failed: 0, fraction: 0.1, elapsedMs: 10 });
  assert.is(tty.text, '');
  text.progress({ sent: 1000, failed: 1, fraction: 0.5, elapsedMs: 2000 });
  assert.match(tty.text, /\[#{12}-{12}\]  50%  1,000 sent  500\/s  1 failed/);
  text.failure({ token: TOKEN, status: 8, name: 'invalid-token' });
  text.failure({ token: 'zz', status: null, name: 'malformed-token', line: 7, reason: 'device token must be hexadecimal' });
  text.finish({ ...TOTALS, failed: 2, unconfirmed: 1 }, new Map([['silent close', 1]]));
  assert.match(tty.text, /\r\x1b\[K$/);
  assert.match(stdout.text, /Sent 3 notifications to 127\.0\.0\.1:2195 in 1\.5 s \(2\/s\)/);
  assert.match(stdout.text, /failed\s+2  \(invalid-token: 1, malformed-token: 1\); 1 unreadable line was not sent/);
  assert.match(stdout.text, /unconfirmed\s+1  \(silent close: 1\)/);
  assert.match(stdout.text, new RegExp(`${TOKEN}  status 8 invalid-token`));
  assert.match(stdout.text, /line 7: malformed-token: device token must be hexadecimal/);
  assert.match(stdout.text, /Not everything was confirmed/);
  const pipe = new Capture(false);
  const quiet = textOutput(new Capture(), pipe, 'x');
  quiet.progress({ sent: 1000, failed: 0, fraction: undefined, elapsedMs: 5000 });
  quiet.clearProgress();
  assert.is(pipe.text, '');
});

output('progress without a known total, and the verdicts', () => {
  assert.is(progressLine({ sent: 2500, failed: 0, fraction: undefined, elapsedMs: 0 }), '2,500 sent  0/s  0 failed');
  const stdout = new Capture();
  textOutput(stdout, new Capture(), 'x').finish({ ...TOTALS, delivered: 3, failed: 0, resent: 0 }, new Map());
  assert.match(stdout.text, /All delivered\./);
  const failed = new Capture();
  const many = textOutput(failed, new Capture(), 'x');
  for (let index = 0; index < 25; index += 1) many.failure({ token: TOKEN, status: 8, name: 'invalid-token' });
  many.finish({ ...TOTALS, failed: 25 }, new Map());
  assert.match(failed.text, /First 20 of 25 failures:/);
  assert.match(failed.text, /Some notifications failed\./);
});

options.run();
tokens.run();
output.run();
