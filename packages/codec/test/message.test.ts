// The message builder: payload shape, helpers, immutability, metadata, size limit and truncation.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeNotification, Message, type MessagePayload, NotificationDecoder } from '../src/index.js';
import { throwsCode } from './helpers/errors.js';
import { TOKEN, TOKEN_HEX } from './helpers/hex.js';

const test = suite('message builder');

const json = (m: Message): string => JSON.stringify(m);
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

test('the classic example gives exactly the classic payload', () => {
  const classic = new Message().to(TOKEN_HEX).withLocKey('GAME_PLAY_REQUEST_FORMAT').withLocArgs(['Jenna', 'Frank']);
  assert.is(json(classic), '{"aps":{"alert":{"loc-key":"GAME_PLAY_REQUEST_FORMAT","loc-args":["Jenna","Frank"]}}}');
  assert.is(classic.serialize().toString(), json(classic));
});

test('alert body stays a plain string until another alert field is set', () => {
  assert.is(json(new Message().withAlertBody('Hi')), '{"aps":{"alert":"Hi"}}');
  assert.is(json(new Message().withAlertBody('Hi').withAlertBody('Hello')), '{"aps":{"alert":"Hello"}}');
  assert.is(json(new Message().withAlertBody('Hi').withTitle('T')), '{"aps":{"alert":{"body":"Hi","title":"T"}}}');
  assert.is(json(new Message().withTitle('T').withAlertBody('Hi')), '{"aps":{"alert":{"title":"T","body":"Hi"}}}');
});

test('every alert helper writes the key as Apple spells it', () => {
  const full = new Message()
    .withTitle('Title')
    .withAlertBody('Body')
    .withTitleLocKey('TITLE_KEY')
    .withTitleLocArgs(['a', 'b'])
    .withActionLocKey('VIEW')
    .withLocKey('BODY_KEY')
    .withLocArgs(['c'])
    .withLaunchImage('launch.png');
  assert.equal(full.payload, {
    aps: {
      alert: {
        title: 'Title',
        body: 'Body',
        'title-loc-key': 'TITLE_KEY',
        'title-loc-args': ['a', 'b'],
        'action-loc-key': 'VIEW',
        'loc-key': 'BODY_KEY',
        'loc-args': ['c'],
        'launch-image': 'launch.png',
      },
    },
  });
  assert.is(json(new Message().withActionLocKey(null)), '{"aps":{"alert":{"action-loc-key":null}}}');
});

test('aps helpers and custom keys', () => {
  const m = new Message()
    .withAlertBody('Hi')
    .withBadge(3)
    .withSound('default')
    .withContentAvailable()
    .withMutableContent()
    .withCategory('INVITE')
    .withThreadId('thread-1')
    .withCustom('acme', { room: 7, tags: ['x'], ok: true, none: null })
    .withCustom('n', 1);
  assert.is(
    json(m),
    '{"aps":{"alert":"Hi","badge":3,"sound":"default","content-available":1,"mutable-content":1,"category":"INVITE","thread-id":"thread-1"},' +
      '"acme":{"room":7,"tags":["x"],"ok":true,"none":null},"n":1}',
  );
  assert.is(json(new Message().withBadge(0)), '{"aps":{"badge":0}}');
  for (const badge of [-1, 1.5, Number.NaN]) throwsCode(() => new Message().withBadge(badge), 'APNS_ERR_INVALID_PAYLOAD', /badge must be a whole number/);
  throwsCode(() => new Message().withCustom('aps', 1), 'APNS_ERR_INVALID_PAYLOAD', /'aps' is reserved/);
});

test('new Message(payload) starts from a given payload', () => {
  const payload: MessagePayload = { aps: { badge: 1 }, extra: 'x' };
  assert.is(json(new Message(payload).withSound('s')), '{"aps":{"badge":1,"sound":"s"},"extra":"x"}');
  assert.is(json(new Message()), '{"aps":{}}');
  assert.is(json(new Message()), '{"aps":{}}');
});

test('messages are immutable: every with* returns a new one and a template can be reused', () => {
  const template = new Message().withSound('default').withBadge(1);
  const first = template.to(TOKEN_HEX).withAlertBody('one').withId(1);
  const second = template.to(Buffer.alloc(32, 2)).withAlertBody('two').withId(2);
  assert.is(json(template), '{"aps":{"sound":"default","badge":1}}');
  assert.is(template.token, undefined);
  assert.is(template.id, undefined);
  assert.is(json(first), '{"aps":{"sound":"default","badge":1,"alert":"one"}}');
  assert.is(json(second), '{"aps":{"sound":"default","badge":1,"alert":"two"}}');
  assert.is(first.id, 1);
  assert.is(second.id, 2);
  const args = ['Jenna'];
  const withArgs = new Message().withLocArgs(args);
  args.push('Frank');
  assert.is(json(withArgs), '{"aps":{"alert":{"loc-args":["Jenna"]}}}');
  const base = new Message().withTitle('T');
  base.withAlertBody('changed');
  assert.is(json(base), '{"aps":{"alert":{"title":"T"}}}');
});

test('recipient, priority, expiry and id travel beside the payload, never inside it', () => {
  const expiry = new Date('2030-01-01T00:00:00Z');
  const m = new Message().to(TOKEN_HEX).withAlertBody('Hi').withPriority(5).withExpiry(expiry).withId(42);
  assert.is(json(m), '{"aps":{"alert":"Hi"}}');
  assert.is(m.token, TOKEN_HEX);
  assert.is(m.priority, 5);
  assert.is(m.expiry, expiry);
  assert.is(m.id, 42);
  const notification = m.toNotification();
  assert.is(notification.token, TOKEN_HEX);
  assert.is(notification.id, 42);
  assert.is(notification.expiry, expiry);
  assert.is(notification.priority, 5);
  assert.is(Buffer.from(notification.payload as Uint8Array).toString(), '{"aps":{"alert":"Hi"}}');
  const [decoded] = new NotificationDecoder().push(encodeNotification(notification));
  assert.ok(decoded?.kind === 'notification');
  if (decoded?.kind !== 'notification') return;
  assert.equal([decoded.tokenHex(), decoded.id, decoded.expiry, decoded.priority, decoded.payloadText()], [
    TOKEN_HEX, 42, 1893456000, 5, '{"aps":{"alert":"Hi"}}',
  ]);
});

test('metadata is checked when set', () => {
  throwsCode(() => new Message().to('not a token'), 'APNS_ERR_INVALID_TOKEN');
  throwsCode(() => new Message().to(Buffer.alloc(3)), 'APNS_ERR_INVALID_TOKEN');
  throwsCode(() => new Message().withPriority(7 as 5), 'APNS_ERR_INVALID_PRIORITY');
  throwsCode(() => new Message().withExpiry(-1), 'APNS_ERR_INVALID_EXPIRY');
  throwsCode(() => new Message().withId(2 ** 32), 'APNS_ERR_INVALID_IDENTIFIER');
  throwsCode(() => new Message().withAlertBody('Hi').toNotification(), 'APNS_ERR_INVALID_TOKEN', /no recipient; call \.to\(token\) first/);
  assert.equal(new Message().to(TOKEN).withAlertBody('x').toNotification().token, TOKEN);
});

test('content-available-only pushes default to priority 5 and refuse priority 10', () => {
  const background = new Message().to(TOKEN_HEX).withContentAvailable();
  assert.is(background.toNotification().priority, 5);
  assert.is(background.withPriority(5).toNotification().priority, 5);
  throwsCode(() => background.withPriority(10).toNotification(), 'APNS_ERR_INVALID_PRIORITY', /only content-available must use priority 5/);
  assert.is(background.withBadge(1).toNotification().priority, 10);
  assert.is(background.withCustom('k', 'v').toNotification().priority, 5);
  assert.is(new Message().to(TOKEN_HEX).toNotification().priority, 10);
  assert.is(new Message().to(TOKEN_HEX).withAlertBody('Hi').toNotification().priority, 10);
});

const OVERHEAD = '{"aps":{"alert":""}}'.length; // 20 bytes around a plain-string body
const ELLIPSIS_BYTES = Buffer.byteLength('…');

test('size limit: 2048 by default, exactly at the limit passes, one byte over throws', () => {
  const fits = new Message().withAlertBody('a'.repeat(2048 - OVERHEAD));
  assert.is(fits.serialize().length, 2048);
  const over = new Message().withAlertBody('a'.repeat(2049 - OVERHEAD));
  throwsCode(() => over.serialize(), 'APNS_ERR_PAYLOAD_TOO_LARGE', /2049 bytes, over the 2048-byte limit; pass truncate: true/);
  assert.is(over.serialize({ limit: 4096 }).length, 2049);
  const voip = new Message().withAlertBody('a'.repeat(4096 - OVERHEAD));
  assert.is(voip.serialize({ limit: 4096 }).length, 4096);
  throwsCode(() => voip.withBadge(1).serialize({ limit: 4096 }), 'APNS_ERR_PAYLOAD_TOO_LARGE', /4096-byte limit/);
  throwsCode(() => new Message().to(TOKEN_HEX).withAlertBody('a'.repeat(3000)).toNotification(), 'APNS_ERR_PAYLOAD_TOO_LARGE');
  throwsCode(() => fits.serialize({ limit: 0 }), 'APNS_ERR_INVALID_OPTION', /payload limit must be an integer from 1 to 65535/);
  throwsCode(() => fits.serialize({ limit: 70000 }), 'APNS_ERR_INVALID_OPTION');
});

test('truncation fills the limit exactly when characters allow, and never splits one', () => {
  const cases: { char: string; bytes: number }[] = [
    { char: 'a', bytes: 1 },
    { char: 'é', bytes: 2 },
    { char: '中', bytes: 3 },
    { char: '😀', bytes: 4 }, // astral: two UTF-16 units, one code point
  ];
  for (const limit of [256, 2048, 4096]) {
    for (const { char, bytes } of cases) {
      const long = new Message().withAlertBody(char.repeat(limit));
      const serialized = long.serialize({ limit, truncate: true });
      const room = limit - OVERHEAD - ELLIPSIS_BYTES;
      const kept = Math.floor(room / bytes);
      assert.is(serialized.length, OVERHEAD + ELLIPSIS_BYTES + kept * bytes, `${char} at ${limit}`);
      assert.ok(serialized.length <= limit && serialized.length > limit - bytes);
      const parsed = JSON.parse(strictUtf8.decode(serialized)) as { aps: { alert: string } };
      assert.is(parsed.aps.alert, char.repeat(kept) + '…');
    }
  }
});

test('truncation with mixed widths keeps the longest prefix of whole characters that fits', () => {
  const body = 'ab😀é中'.repeat(200);
  const limit = 300;
  const serialized = new Message().withAlertBody(body).serialize({ limit, truncate: true });
  const alert = (JSON.parse(strictUtf8.decode(serialized)) as { aps: { alert: string } }).aps.alert;
  assert.ok(alert.endsWith('…'));
  const kept = Array.from(alert.slice(0, -1));
  assert.equal(kept, Array.from(body).slice(0, kept.length));
  assert.ok(serialized.length <= limit);
  const oneMore = Array.from(body).slice(0, kept.length + 1).join('');
  assert.ok(Buffer.byteLength(JSON.stringify({ aps: { alert: `${oneMore}…` } })) > limit);
});

test('truncation keeps a dictionary alert and other keys, and honours a custom ellipsis', () => {
  const m = new Message().withTitle('T').withAlertBody('x'.repeat(500)).withBadge(1).withCustom('id', 'abc');
  const serialized = m.serialize({ limit: 200, truncate: true, ellipsis: '' });
  assert.is(serialized.length, 200);
  const parsed = JSON.parse(serialized.toString()) as { aps: { alert: { title: string; body: string }; badge: number }; id: string };
  assert.is(parsed.aps.alert.title, 'T');
  assert.match(parsed.aps.alert.body, /^x+$/);
  assert.is(parsed.aps.badge, 1);
  assert.is(parsed.id, 'abc');
  assert.is(m.serialize({ limit: 2048, truncate: true }).toString(), json(m));
  const escaped = new Message().withAlertBody('"'.repeat(300)).serialize({ limit: 100, truncate: true });
  assert.ok(escaped.length <= 100 && escaped.length >= 99);
  assert.match((JSON.parse(escaped.toString()) as { aps: { alert: string } }).aps.alert, /^"+…$/);
  const fitted = new Message().to(TOKEN_HEX).withAlertBody('y'.repeat(3000)).toNotification({ truncate: true });
  assert.is((fitted.payload as Uint8Array).length, 2048);
});

test('truncation that cannot help still throws', () => {
  const noBody = new Message().withTitle('t'.repeat(300));
  throwsCode(() => noBody.serialize({ limit: 256, truncate: true }), 'APNS_ERR_PAYLOAD_TOO_LARGE', /even with an empty alert body/);
  const bigCustom = new Message().withAlertBody('Hi').withCustom('blob', 'z'.repeat(300));
  throwsCode(() => bigCustom.serialize({ limit: 256, truncate: true }), 'APNS_ERR_PAYLOAD_TOO_LARGE', /remove custom keys/);
});

test.run();
