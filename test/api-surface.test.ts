// What each package exports at run time, root and subpaths: a name added or dropped here is a
// change of the public API, made on purpose. Types are checked by the compiler, not here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const EXPECTED: Readonly<Record<string, readonly string[]>> = {
  '@apnskit/codec': [
    'ApnsCodecError', 'DecodedNotification', 'ErrorResponseDecoder', 'FeedbackDecoder', 'Message', 'NotificationDecoder',
    'NotificationEncoder', 'NotificationScanner', 'PayloadLimit', 'Priority', 'Status', 'TOKEN_LENGTH', 'encodeErrorResponse',
    'encodeFeedbackTuple', 'encodeNotification', 'encodeNotificationInto', 'encodedLength', 'formatToken', 'isApnsCodecError',
    'isValidToken', 'parseToken', 'statusInfo', 'statusName',
  ],
  '@apnskit/tls': ['ApnsTlsError', 'PUSH_OIDS', 'describeConnectionFailure', 'extensionOids', 'formatAddress', 'isApnsTlsError', 'parseAddress', 'resolveCredentials', 'resolveServerTrust', 'summarizeCertificate'],
  '@apnskit/client': ['ApnsClientError', 'DEFAULT_WINDOW', 'GATEWAY_PORT', 'HTTP2_PORT', 'Http2Sender', 'Sender', 'createConnection', 'createSender', 'gatewayAddress', 'isApnsClientError', 'providerApiAddress', 'send'],
  '@apnskit/feedback': ['ApnsFeedbackError', 'FEEDBACK_PORT', 'feedback', 'feedbackAddress', 'isApnsFeedbackError', 'pollFeedback', 'readFeedback'],
  '@apnskit/mock-server': ['DEFAULT_P12_PASSPHRASE', 'MockServer', 'MockServerError', 'createMockServer', 'isMockServerError', 'loadCertificates', 'seededRandom'],
};

for (const [specifier, names] of Object.entries(EXPECTED)) {
  test(`${specifier} exports what an application needs, and nothing else`, async () => {
    const exported = Object.keys((await import(specifier)) as object).sort();
    assert.equal(exported, [...names].sort());
  });
}

test('no package root exports a name another root exports (importing two never clashes)', async () => {
  const owners = new Map<string, string>();
  for (const specifier of Object.keys(EXPECTED)) {
    for (const name of Object.keys((await import(specifier)) as object)) {
      assert.not.ok(owners.has(name), `${name} is exported by both ${owners.get(name)} and ${specifier}`);
      owners.set(name, specifier);
    }
  }
});

test('@apnskit/tls/cli holds the command-line support the root leaves out', async () => {
  const cli = (await import('@apnskit/tls/cli')) as Record<string, unknown>;
  for (const name of ['parseCommonFlags', 'UsageError', 'formatHelp', 'secretsOf', 'exitCodeFor', 'formatCliError']) assert.ok(name in cli, name);
});

test('@apnskit/codec/wire holds the layout the root leaves out', async () => {
  const wire = (await import('@apnskit/codec/wire')) as Record<string, unknown>;
  for (const name of ['Command', 'ItemId', 'FRAME_HEADER_LENGTH', 'MAX_U32', 'STATUS_TABLE', 'toWireNotification', 'writeWire', 'wireLength', 'encodeProbeFrame', 'minFrameLength', 'identifierOffset', 'formatOf', 'describeFrame']) {
    assert.ok(name in wire, name);
  }
});

test.run();
