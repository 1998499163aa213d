import { closeSync, openSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const LOCK_FILE = '.apns-mock.lock';
/** A lock older than this was left by a process that died: it is taken over. */
const STALE_LOCK_MS = 60_000;
const WAIT_LIMIT_MS = 120_000;
const POLL_MS = 50;

/**
 * Runs `action` holding a lock file in `dir`, so that mock servers started at the same time with
 * one certificates directory (parallel test runs, several CLIs) do not overwrite each other's files.
 * `dir` must exist (see ensurePrivateDir).
 */
export async function withDirLock<T>(dir: string, action: () => Promise<T>): Promise<T> {
  const lock = join(dir, LOCK_FILE);
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (Date.now() > deadline) throw new Error(`${lock} is held by another process; remove it if no apns-mock is running`);
    let age = 0;
    try {
      age = Date.now() - statSync(lock).mtimeMs;
    } catch {
      continue; // released meanwhile
    }
    if (age > STALE_LOCK_MS) removeIfStillStale(lock);
    else await sleep(POLL_MS);
  }
  try {
    return await action();
  } finally {
    rmSync(lock, { force: true });
  }
}

/**
 * Several waiters can see the same stale lock: each removing it could delete a lock another has
 * just taken. A second lock file makes the takeover exclusive, and the age is checked again
 * inside it, so only the stale file itself is ever removed.
 */
function removeIfStillStale(lock: string): void {
  const takeover = `${lock}.takeover`;
  try {
    closeSync(openSync(takeover, 'wx'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another process is taking over; a takeover file this old was left by one that died.
    if (ageOf(takeover) > STALE_LOCK_MS) rmSync(takeover, { force: true });
    return;
  }
  try {
    if (ageOf(lock) > STALE_LOCK_MS) rmSync(lock, { force: true });
  } finally {
    rmSync(takeover, { force: true });
  }
}

/** Milliseconds since the file was last written; 0 when it is gone. */
function ageOf(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
