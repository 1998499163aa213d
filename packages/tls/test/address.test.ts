import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatAddress, parseAddress } from '../src/index.js';
import { thrown } from './helpers.js';

test('host alone takes the default port', () => {
  assert.equal(parseAddress('feedback.push.apple.com', 2196), { host: 'feedback.push.apple.com', port: 2196 });
});

test('host:port, [v6]:port, [v6] and a bare IPv6 address', () => {
  assert.equal(parseAddress('127.0.0.1:12345', 2195), { host: '127.0.0.1', port: 12345 });
  assert.equal(parseAddress(' localhost:1 ', 2195), { host: 'localhost', port: 1 });
  assert.equal(parseAddress('[::1]:65535', 2195), { host: '::1', port: 65535 });
  assert.equal(parseAddress('[::1]', 2195), { host: '::1', port: 2195 });
  assert.equal(parseAddress('::1', 2195), { host: '::1', port: 2195 });
});

test('bad addresses say what to fix', () => {
  for (const text of ['', '   ', 'host:', 'host:0', 'host:65536', 'host:12ab', ':2195', 'a:b:c', '[::1]:x']) {
    const error = thrown(() => parseAddress(text, 2195));
    assert.is(error.code, 'APNS_ERR_TLS_INVALID_ADDRESS', text);
    assert.match(error.message, /give HOST|port must be|IPv6/);
  }
  assert.is(thrown(() => parseAddress(undefined as unknown as string, 1)).code, 'APNS_ERR_TLS_INVALID_ADDRESS');
});

test('formatAddress brackets IPv6 hosts', () => {
  assert.is(formatAddress({ host: '127.0.0.1', port: 2196 }), '127.0.0.1:2196');
  assert.is(formatAddress({ host: '::1', port: 2196 }), '[::1]:2196');
  assert.equal(parseAddress(formatAddress({ host: '::1', port: 7 }), 1), { host: '::1', port: 7 });
});

test.run();
