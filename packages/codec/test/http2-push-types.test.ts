// Push types: topic suffixes, bundle ids, limits, inference from a payload, provider token rules.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  PUSH_TYPES,
  ProviderTokenRules,
  bundleIdOf,
  checkProviderTokenClaims,
  inferPushType,
  providerTokenParts,
  pushTypeRule,
  topicFor,
  topicMatchesPushType,
} from '../src/http2/index.js';

const test = suite('http2 push types');

test('each type with its topic suffix, priorities and auth constraint', () => {
  assert.equal(
    PUSH_TYPES.map((rule) => [rule.pushType, rule.topicSuffix, rule.priorities.join('/'), rule.tokenOnly, rule.payloadLimit]),
    [
      ['alert', '', '10/5/1', false, 4096],
      ['background', '', '5', false, 4096],
      ['voip', '.voip', '10/5/1', false, 5120],
      ['complication', '.complication', '10/5/1', false, 4096],
      ['fileprovider', '.pushkit.fileprovider', '10/5/1', false, 4096],
      ['location', '.location-query', '10/5/1', true, 4096],
      ['liveactivity', '.push-type.liveactivity', '10/5/1', true, 4096],
      ['pushtotalk', '.voip-ptt', '10', false, 4096],
      ['widgets', '.push-type.widgets', '10/5/1', false, 4096],
      ['controls', '.push-type.controls', '10/5/1', false, 4096],
      ['mdm', '', '10/5/1', false, 4096],
    ],
  );
  assert.is(pushTypeRule('fax'), undefined);
});

test('topics from bundle ids and back', () => {
  for (const rule of PUSH_TYPES) {
    const topic = topicFor('com.example.app', rule.pushType);
    assert.ok(topicMatchesPushType(topic, rule.pushType), rule.pushType);
    assert.is(bundleIdOf(topic, rule.pushType), 'com.example.app');
  }
  assert.is(topicFor('com.example.app', 'fax'), 'com.example.app');
  assert.is(bundleIdOf('com.example.app', 'voip'), 'com.example.app');
  assert.is(bundleIdOf('x', 'fax'), 'x');
  assert.not.ok(topicMatchesPushType('com.example.app', 'fax'));
  assert.not.ok(topicMatchesPushType('com.example.app.voip-ptt', 'voip'));
  assert.not.ok(topicMatchesPushType('', 'mdm'));
});

test('push type inferred from a payload', () => {
  const cases: Array<[unknown, string]> = [
    [{ aps: { alert: 'hi' } }, 'alert'],
    [{ aps: { 'content-available': 1 } }, 'background'],
    [{ aps: { 'content-available': 1, sound: 'x' } }, 'alert'],
    [{ aps: { event: 'update', 'content-state': {}, timestamp: 1 } }, 'liveactivity'],
    [{ aps: { 'content-changed': true } }, 'widgets'],
    [{ aps: [] }, 'alert'],
    [{ custom: 1 }, 'alert'],
    [null, 'alert'],
    ['text', 'alert'],
  ];
  for (const [payload, expected] of cases) assert.is(inferPushType(payload), expected, JSON.stringify(payload));
});

test('provider token parts and claim checks', () => {
  const now = 1_700_000_000;
  const { header, claims } = providerTokenParts('ABCDE12345', 'TEAM123456', now + 0.7);
  assert.equal(header, { alg: 'ES256', kid: 'ABCDE12345', typ: 'JWT' });
  assert.equal(claims, { iss: 'TEAM123456', iat: now });
  assert.is(checkProviderTokenClaims(header, claims, now), undefined);
  assert.is(checkProviderTokenClaims(header, claims, now + ProviderTokenRules.LifetimeSeconds), undefined);
  assert.is(checkProviderTokenClaims(header, claims, now + ProviderTokenRules.LifetimeSeconds + 1), 'ExpiredProviderToken');
  assert.is(checkProviderTokenClaims(header, { ...claims, iat: now + 3600 }, now), 'InvalidProviderToken');
  assert.is(checkProviderTokenClaims({ ...header, alg: 'RS256' }, claims, now), 'InvalidProviderToken');
  assert.is(checkProviderTokenClaims({ alg: 'ES256' }, claims, now), 'InvalidProviderToken');
  assert.is(checkProviderTokenClaims(header, { iat: now }, now), 'InvalidProviderToken');
  assert.is(checkProviderTokenClaims(header, { iss: 'T', iat: String(now) }, now), 'InvalidProviderToken');
});

test.run();
