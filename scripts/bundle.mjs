// The command-line tools as shipped: each bundled into one file, plus one chunk per lazy import
// (the HTTP/2 path, node-forge), so that a start reads and links a handful of files instead of
// about seventy modules. apns-send with one token: 105 against 139 ms from tsc's output (module
// resolution alone took 26 ms). tsc's output stays what the unit tests import; the CLI tests run
// these bundles, their source maps leading back to the TypeScript.
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** Each package's command-line tools (the names of their entry files in src/cli). */
export const CLIS = { client: ['apns-send'], feedback: ['apns-feedback'] };

/** Bundles the tools of the named packages (all when none) into their dist/bin. */
export function bundle(root, packages = Object.keys(CLIS)) {
  // Loaded here, not at the top: setup.mjs imports this file before it installs esbuild.
  const { buildSync } = createRequire(import.meta.url)('esbuild');
  for (const name of packages) {
    const tools = CLIS[name];
    if (tools === undefined) continue;
    const dist = join(root, 'packages', name, 'dist');
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
      // CommonJS dependencies (binary-parser, node-forge) call require() for Node's own modules.
      banner: { js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);" },
      logLevel: 'warning',
    });
  }
}
