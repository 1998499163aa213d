import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { X509Certificate } from 'node:crypto';
import { extensionOids, PUSH_OIDS, summarizeCertificate } from '../src/index.js';
import { pki } from './helpers.js';

test('summary of an Apple-like sandbox certificate', () => {
  const { client } = pki();
  const summary = summarizeCertificate(new X509Certificate(client.cert));
  assert.is(summary.topic, 'com.example.app');
  assert.is(summary.commonName, 'Apple Development IOS Push Services: com.example.app');
  assert.equal(summary.environments, ['sandbox']);
  assert.is(summary.issuer, 'CN=apnskit test CA');
  assert.ok(summary.validFrom < new Date() && new Date() < summary.validTo);
});

test('extension OIDs are read from the DER structure', () => {
  const { ca } = pki();
  const both = ca.issueClient({ environments: ['sandbox', 'production'] });
  const oids = extensionOids(new X509Certificate(both.cert).raw);
  assert.ok(oids.includes(PUSH_OIDS.sandbox) && oids.includes(PUSH_OIDS.production), oids.join());
  assert.ok(oids.includes('2.5.29.19'), 'basicConstraints');
  assert.equal(summarizeCertificate(new X509Certificate(both.cert)).environments, ['sandbox', 'production']);
});

test('a plain certificate: no topic, no environments', () => {
  const { server } = pki();
  const summary = summarizeCertificate(new X509Certificate(server.cert));
  assert.is(summary.topic, undefined);
  assert.equal(summary.environments, []);
});

test('a structure without an extensions field has no OIDs', () => {
  assert.equal(extensionOids(minimalV1Certificate()), []);
});

/** A hand-built DER SEQUENCE { SEQUENCE { INTEGER 1 } } : a tbs without any [3] field. */
function minimalV1Certificate(): Buffer {
  return Buffer.from('3005' + '3003' + '020101', 'hex');
}

test.run();
