// Files that hold private keys: a directory only its owner can enter, files written so that no
// one else can plant, replace or redirect them (a symlink at a guessable name, a file owned by
// another user), and read only when they are still the owner's own.
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync, type Stats } from 'node:fs';
import { dirname, join, basename } from 'node:path';

/** Owner read/write/search only. */
export const PRIVATE_DIR_MODE = 0o700;
const SECRET_FILE_MODE = 0o600;
const PUBLIC_FILE_MODE = 0o644;
/** Group and others may not write the directory or the files in it. */
const FOREIGN_WRITE = 0o022;
/** Group and others may not enter the directory. */
const FOREIGN_ACCESS = 0o077;
/** A certificate or key file bigger than this is not one the mock wrote. */
export const MAX_CERT_FILE_BYTES = 64 * 1024;

/** A certificates directory that is not safe to use; the message says what to change. */
export class UnsafeDirectoryError extends Error {}

function currentUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

function describeMode(stats: Stats): string {
  return `0${(stats.mode & 0o777).toString(8)}`;
}

/**
 * mkdir -p, one level at a time. Node 20's `mkdirSync(dir, { recursive: true })` loops forever
 * when a parent exists but refuses new entries with ENOENT (/proc/certs).
 */
function makeDirectories(dir: string): void {
  try {
    mkdirSync(dir, { mode: PRIVATE_DIR_MODE });
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || dirname(dir) === dir) throw error;
  }
  makeDirectories(dirname(dir));
  mkdirSync(dir, { mode: PRIVATE_DIR_MODE });
}

/**
 * Creates `dir` (mode 0700) when missing, then checks it: a real directory (not a symlink), owned
 * by this user, not open to group or others. Throws UnsafeDirectoryError saying what to fix.
 */
export function ensurePrivateDir(dir: string): void {
  try {
    makeDirectories(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UnsafeDirectoryError(`cannot create the directory ${dir} (${code ?? (error as Error).message}); choose a writable directory`);
  }
  const stats = lstatSync(dir);
  if (stats.isSymbolicLink()) throw new UnsafeDirectoryError(`${dir} is a symbolic link; give the real directory`);
  if (!stats.isDirectory()) throw new UnsafeDirectoryError(`${dir} is not a directory`);
  const uid = currentUid();
  if (uid !== undefined && stats.uid !== uid) {
    throw new UnsafeDirectoryError(`${dir} belongs to user ${stats.uid}, not to you (${uid}); use a directory of your own`);
  }
  if (uid !== undefined && (stats.mode & FOREIGN_ACCESS) !== 0) {
    throw new UnsafeDirectoryError(`${dir} is open to other users (mode ${describeMode(stats)}); run chmod 700 on it or use another directory`);
  }
}

/**
 * Writes `content` to a new file with an unpredictable name in the same directory (exclusive
 * create: never through an existing file or symlink), then renames it over `path`.
 */
export function writePrivateFile(path: string, content: string | Buffer, secret: boolean): void {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(12).toString('hex')}.tmp`);
  const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), secret ? SECRET_FILE_MODE : PUBLIC_FILE_MODE);
  let written = false;
  try {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
    written = true;
  } finally {
    closeSync(fd);
    if (!written) rmSync(temporary, { force: true });
  }
  renameSync(temporary, path);
}

/**
 * Reads a file the mock wrote: a regular file (a symlink is refused, not followed), owned by this
 * user, writable by no one else, and small. Throws otherwise.
 */
export function readOwnFile(path: string): Buffer {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new Error(`${path} is not a regular file`);
    const uid = currentUid();
    if (uid !== undefined && stats.uid !== uid) throw new Error(`${path} belongs to another user`);
    if ((stats.mode & FOREIGN_WRITE) !== 0) throw new Error(`${path} is writable by other users`);
    if (stats.size > MAX_CERT_FILE_BYTES) throw new Error(`${path} is larger than ${MAX_CERT_FILE_BYTES} bytes`);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}
