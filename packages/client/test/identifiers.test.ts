import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { identifierOf, MAX_IDENTIFIER, sequenceOf } from '../src/identifiers.js';

test('identifiers start at 1 and wrap after 2^32-1 to 1, never 0', () => {
  assert.is(identifierOf(1), 1);
  assert.is(identifierOf(2), 2);
  assert.is(identifierOf(MAX_IDENTIFIER), MAX_IDENTIFIER);
  assert.is(identifierOf(MAX_IDENTIFIER + 1), 1);
  assert.is(identifierOf(2 * MAX_IDENTIFIER + 1), 1);
  for (let sequence = MAX_IDENTIFIER - 3; sequence < MAX_IDENTIFIER + 3; sequence += 1) assert.is.not(identifierOf(sequence), 0);
});

test('sequenceOf finds the latest sequence carrying an identifier', () => {
  assert.is(sequenceOf(5, 10, 1), 5);
  assert.is(sequenceOf(10, 10, 1), 10);
  assert.is(sequenceOf(MAX_IDENTIFIER, MAX_IDENTIFIER + 2, 1), MAX_IDENTIFIER);
  assert.is(sequenceOf(2, MAX_IDENTIFIER + 2, 1), MAX_IDENTIFIER + 2);
});

test('sequenceOf refuses identifiers that name nothing written', () => {
  assert.is(sequenceOf(0, 10, 1), undefined);
  assert.is(sequenceOf(11, 10, 1), undefined);
  assert.is(sequenceOf(3, 10, 5), undefined);
  assert.is(sequenceOf(MAX_IDENTIFIER + 1, 10, 1), undefined);
  assert.is(sequenceOf(1.5, 10, 1), undefined);
  assert.is(sequenceOf(1, 0, 1), undefined);
});

test.run();
