// Runs every package's tests with coverage and ends with the plain line `N passed, N failed`.
// Usage: node scripts/test.mjs [package ...]   (no names: all packages, with coverage thresholds)
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build, clean, install, PACKAGES, root } from './setup.mjs';

/** Coverage floors: lines and branches, whole workspace and codec. */
const WORKSPACE_FLOOR = 90;
const CODEC_FLOOR = 95;
/** A package whose tests run longer than this has hung: it is stopped and counted as failed. */
const PACKAGE_TIMEOUT_MS = 6 * 60_000;
// Tests run with --unhandled-rejections=strict: a rejection nobody handled ends the suite as failed.

const selected = process.argv.slice(2);
const suites = [...PACKAGES, 'root'].filter((name) => selected.length === 0 || selected.includes(name));
const coverageDir = join(root, 'coverage');
const rawCoverage = join(coverageDir, 'tmp');

install();
const packagesOnly = selected.length > 0 ? selected.filter((name) => PACKAGES.includes(name)) : undefined;
clean(packagesOnly);
build(packagesOnly);
rmSync(coverageDir, { recursive: true, force: true });
mkdirSync(rawCoverage, { recursive: true });

let passed = 0;
let failed = 0;
const summary = [];
for (const suite of suites) {
  const testDir = suite === 'root' ? join(root, 'dist', 'test') : join(root, 'packages', suite, 'dist', 'test');
  if (!existsSync(testDir)) continue;
  const result = await runSuite(suite, testDir);
  passed += result.passed;
  failed += result.failed;
  summary.push(`${suite}: ${result.passed} passed, ${result.failed} failed${result.note ? ` (${result.note})` : ''}`);
}

console.log('\n' + summary.join('\n'));
const coverageOk = selected.length > 0 ? true : checkCoverage();
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 && coverageOk ? 0 : 1);

function runSuite(suite, testDir) {
  console.log(`\n== ${suite}`);
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--enable-source-maps', '--unhandled-rejections=strict', join(root, 'node_modules', 'uvu', 'bin.js'), testDir, '\\.test\\.js$', '--no-color'],
      {
        cwd: root,
        env: { ...process.env, NO_COLOR: '1', NODE_V8_COVERAGE: rawCoverage },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), PACKAGE_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const total = Number(/Total:\s+(\d+)/.exec(output)?.[1] ?? NaN);
      const ok = Number(/Passed:\s+(\d+)/.exec(output)?.[1] ?? NaN);
      if (Number.isNaN(total) || Number.isNaN(ok)) {
        resolve({ passed: 0, failed: 1, note: signal ? `stopped by ${signal}` : `crashed with exit code ${code}` });
      } else if (code !== 0 && total === ok) {
        // Every test passed but the process still failed: an unhandled error after the tests.
        resolve({ passed: ok, failed: 1, note: `exit code ${code} after the tests` });
      } else {
        resolve({ passed: ok, failed: total - ok });
      }
    });
  });
}

function checkCoverage() {
  const c8 = join(root, 'node_modules', 'c8', 'bin', 'c8.js');
  const common = ['--temp-directory', rawCoverage, '--exclude-after-remap', '--exclude', '**/test/**', '--exclude', '**/bench/**', '--exclude', '**/*.d.ts'];
  const check = (label, include, floor) => {
    try {
      execFileSync(
        process.execPath,
        [c8, 'report', ...common, '--all', ...include.flatMap((glob) => ['--include', glob]), '--reporter', 'text-summary',
          '--check-coverage', '--lines', String(floor), '--branches', String(floor), '--report-dir', join(coverageDir, label)],
        { cwd: root, stdio: 'inherit' },
      );
      console.log(`coverage ${label}: lines and branches >= ${floor}%`);
      return true;
    } catch {
      console.log(`coverage ${label}: below ${floor}% (lines or branches)`);
      return false;
    }
  };
  console.log('\n== coverage');
  const workspace = check('workspace', ['packages/*/dist/src/**', 'packages/*/src/**'], WORKSPACE_FLOOR);
  const codec = check('codec', ['packages/codec/dist/src/**', 'packages/codec/src/**'], CODEC_FLOOR);
  return workspace && codec;
}
