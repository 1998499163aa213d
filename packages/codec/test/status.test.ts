// The status table of Apple's error responses.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Status, statusInfo, statusName } from '../src/index.js';
import { STATUS_TABLE } from '../src/wire.js';

const test = suite('status table');

test('every documented code with its name, outcome and flags', () => {
  const rows = STATUS_TABLE.map(({ status, name, outcome, retryable, dropToken, known }) => [status, name, outcome, retryable, dropToken, known]);
  assert.equal(rows, [
    [0, 'no-errors', 'none', false, false, true],
    [1, 'processing-error', 'failed', true, false, true],
    [2, 'missing-device-token', 'failed', false, false, true],
    [3, 'missing-topic', 'failed', false, false, true],
    [4, 'missing-payload', 'failed', false, false, true],
    [5, 'invalid-token-size', 'failed', false, false, true],
    [6, 'invalid-topic-size', 'failed', false, false, true],
    [7, 'invalid-payload-size', 'failed', false, false, true],
    [8, 'invalid-token', 'failed', false, true, true],
    [10, 'shutdown', 'last-delivered', true, false, true],
    [128, 'protocol-error', 'failed', false, false, true],
    [255, 'unknown', 'failed', false, false, true],
  ]);
  for (const entry of STATUS_TABLE) {
    assert.is(statusInfo(entry.status), entry);
    assert.ok(entry.description.length > 0);
    assert.ok(Object.isFrozen(entry));
  }
  assert.ok(Object.isFrozen(STATUS_TABLE));
});

test('named constants match the bytes', () => {
  assert.equal(Status, {
    NoErrors: 0, ProcessingError: 1, MissingDeviceToken: 2, MissingTopic: 3, MissingPayload: 4, InvalidTokenSize: 5,
    InvalidTopicSize: 6, InvalidPayloadSize: 7, InvalidToken: 8, Shutdown: 10, ProtocolError: 128, Unknown: 255,
  });
});

test('status 10 names the last delivered notification, not a failed one', () => {
  const shutdown = statusInfo(Status.Shutdown);
  assert.is(shutdown.outcome, 'last-delivered');
  assert.match(shutdown.description, /last one delivered/);
});

test('undocumented bytes are unknown failures, the same object each time', () => {
  const nine = statusInfo(9);
  assert.equal(nine, {
    status: 9, name: 'unknown-9', description: 'Undocumented status 9', outcome: 'failed', retryable: false, dropToken: false, known: false,
  });
  assert.is(statusInfo(9), nine);
  assert.is(statusName(200), 'unknown-200');
  assert.is(statusName(8), 'invalid-token');
});

test('values that are not bytes still answer, without being cached', () => {
  assert.is(statusInfo(-1).name, 'unknown--1');
  assert.is(statusInfo(1.5).known, false);
  assert.is.not(statusInfo(300), statusInfo(300));
});

test.run();
