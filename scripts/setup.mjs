// Installs pinned pnpm and the dependencies when missing, then builds every package.
// Needs only Node.js and npm, so a fresh clone runs with nothing else installed.
import { existsSync, rmSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from './bundle.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PACKAGES = ['codec', 'tls', 'mock-server', 'client', 'feedback'];
const PNPM_VERSION = '12.4.2';

function run(command, args) {
  execFileSync(command, args, { cwd: root, stdio: 'inherit' });
}

function installIsCurrent() {
  const marker = join(root, 'node_modules', '.modules.yaml');
  return existsSync(marker) && statSync(marker).mtimeMs >= statSync(join(root, 'pnpm-lock.yaml')).mtimeMs;
}

export function install() {
  if (installIsCurrent()) return;
  console.log(`setup: installing dependencies with pnpm ${PNPM_VERSION}`);
  run('npx', ['--yes', `pnpm@${PNPM_VERSION}`, 'install', '--frozen-lockfile', '--reporter=append-only']);
}

/** Removes build output, so that deleted sources and tests do not linger in dist. */
export function clean(names = PACKAGES) {
  for (const name of names) {
    rmSync(join(root, 'packages', name, 'dist'), { recursive: true, force: true });
    rmSync(join(root, 'packages', name, 'bench', 'dist'), { recursive: true, force: true });
  }
  if (names === PACKAGES) rmSync(join(root, 'dist'), { recursive: true, force: true });
}

/** Builds the whole workspace, or only the named packages (and what they depend on), and bundles their command-line tools. */
export function build(names) {
  const projects = names ? names.map((name) => join('packages', name)) : [];
  run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', ...projects]);
  // No projects builds the whole workspace (the root tsconfig): then every tool is bundled too.
  bundle(root, projects.length > 0 ? names : undefined);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  install();
  build();
}
