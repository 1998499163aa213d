/**
 * Notification identifiers per connection. Each written frame gets the next sequence number
 * (a plain integer that never wraps in practice); its wire identifier is derived from it:
 * 1, 2, ... 2^32-1, then 1 again: never 0, which Apple uses in answers that name nothing.
 */
export const MAX_IDENTIFIER = 0xffffffff;

export function identifierOf(sequence: number): number {
  // The usual case returns the sequence itself: the remainder by a divisor that is not a small
  // integer is a heap number, which, stored in the sender's counts, changed their shape once per
  // sender and threw away the optimised code of every write.
  return sequence <= MAX_IDENTIFIER ? sequence : ((sequence - 1) % MAX_IDENTIFIER) + 1;
}

/**
 * The latest sequence number at or before `latest` whose identifier is `id`, or undefined when
 * `id` cannot name any (0, out of range, or before `first`).
 */
export function sequenceOf(id: number, latest: number, first: number): number | undefined {
  if (!Number.isInteger(id) || id < 1 || id > MAX_IDENTIFIER || latest < first) return undefined;
  const latestId = identifierOf(latest);
  const back = latestId >= id ? latestId - id : latestId + MAX_IDENTIFIER - id;
  const sequence = latest - back;
  return sequence >= first ? sequence : undefined;
}
