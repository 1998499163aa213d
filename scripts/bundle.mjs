// The command-line tools as shipped: each bundled into one file, plus a chunk per lazy import (the
// HTTP/2 path with jose), so that a start reads and links a handful of files instead of about
// seventy modules: apns-send with one token takes 104 instead of 141 ms (Node 20's ESM loader
// spent 26 ms of a profiled start resolving modules), apns-mock is ready in 130-170 instead of
// 185-205 ms. Everything else runs tsc's output: the tests import it and run the CLIs from it
// (their coverage maps straight to the TypeScript); the root's bins.test.ts runs these bundles.
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** Each package's command-line tools (the names of their entry files in src/cli). */
export const CLIS = { client: ['apns-send'], feedback: ['apns-feedback'], 'mock-server': ['apns-mock'] };

/** Bundles the tools of the named packages (all when none) into their dist/bin. */
export function bundle(root, packages = Object.keys(CLIS)) {
  // Loaded here, not at the top: setup.mjs imports this file before it installs esbuild.
  const { buildSync } = createRequire(import.meta.url)('esbuild');
  for (const name of packages) {
    const tools = CLIS[name];
    if (tools === undefined) continue;
    const dist = join(root, 'packages', name, 'dist');
    // Chunk names carry a hash of their content: without this, every rebuild left the last ones behind (and in the package).
    rmSync(join(dist, 'bin'), { recursive: true, force: true });
    buildSync({
      entryPoints: tools.map((tool) => join(dist, 'src', 'cli', `${tool}.js`)),
      outdir: join(dist, 'bin'),
      chunkNames: 'chunks/[name]-[hash]',
      bundle: true,
      splitting: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'linked',
      // CommonJS, which an ES module bundle cannot hold: Node loads it from the package's own dependencies.
      external: ['node-forge'],
      logLevel: 'warning',
    });
  }
}
