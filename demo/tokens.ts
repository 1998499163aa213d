import { createHash } from 'node:crypto';

/** Random-looking, reproducible leading digits shared by the demo's tokens. */
const PREFIX = createHash('sha256').update('apnskit-demo-devices').digest('hex').slice(0, 56);

/** The device token of the demo's recipient number `index` (distinct for every index >= 0). */
export function demoToken(index: number): string {
  return PREFIX + (index >>> 0).toString(16).padStart(8, '0');
}

/** The tokens of recipients 0 to count - 1. */
export function demoTokens(count: number): string[] {
  return Array.from({ length: count }, (_, index) => demoToken(index));
}
