import fc from 'fast-check';
import type { NotificationFormat } from '../../src/index.js';

/** Fixed run count and seed: property tests replay the same cases on every run. */
export const RUNS = { numRuns: 300, seed: 20261128 };
export const FORMATS: readonly NotificationFormat[] = ['frame', 'enhanced', 'simple'];
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
