// A full garbage collection on demand, without starting node with --expose-gc.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/**
 * Collects everything collectable. Every contender calls it after making its inputs (tokens,
 * encoded batches) and before its clock starts: otherwise the young objects a run just made are
 * copied by the collector during the timed sends, and whoever runs after the biggest setup pays.
 */
export function collectGarbage(): void {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  gc();
}
