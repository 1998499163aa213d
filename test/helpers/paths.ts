import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from the compiled location dist/test/helpers. */
export const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
