import { createHash } from 'node:crypto';

/** Distinct, reproducible device tokens for the demo's recipients. */
export function demoToken(index: number): string {
  return createHash('sha256').update(`apnskit-demo-device-${index}`).digest('hex');
}
