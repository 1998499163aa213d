import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { shownValue } from './cli-redact.js';
import { ApnsTlsError } from './errors.js';

/** What a credential input is, for messages: `--pfx`, `cert`, ... */
export type SourceKind = 'pfx' | 'cert' | 'key' | 'ca';

const PEM_MARKER = '-----BEGIN ';

/** The bytes and a printable origin (a path or "inline ..."); never the content itself. */
export interface LoadedSource {
  readonly bytes: Buffer;
  readonly origin: string;
}

/**
 * Bytes of a credential given as a Buffer, PEM text, or a file path. A string holding a PEM
 * header is PEM text; any other string is a path (a .p12 is binary, so always a path or bytes).
 */
export function loadSource(value: unknown, kind: SourceKind): LoadedSource {
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    return { bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength), origin: `the ${kind} bytes given` };
  }
  if (typeof value !== 'string' || value.length === 0) {
    throw new ApnsTlsError(
      'APNS_ERR_TLS_INVALID_OPTION',
      `${kind} must be a Buffer, PEM text or a file path, got ${value === '' ? 'an empty string' : typeof value}`,
    );
  }
  if (kind !== 'pfx' && value.includes(PEM_MARKER)) {
    return { bytes: Buffer.from(value, 'utf8'), origin: `the ${kind} PEM text given` };
  }
  return { bytes: readCredentialFile(value, kind), origin: shownValue(value) };
}

function readCredentialFile(path: string, kind: SourceKind): Buffer {
  // A key pasted where a path belongs (--pfx "$(cat key.pem)") is never echoed back.
  const shown = shownValue(path);
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A name too long for the file system (often a pasted key) cannot exist either.
    if (code === 'ENOENT' || code === 'ENAMETOOLONG') {
      throw new ApnsTlsError(
        'APNS_ERR_TLS_FILE_NOT_FOUND',
        `${kind} file not found: ${shown}${shown === path ? ` (looked in ${resolve(path)})` : ''}; check the path`,
      );
    }
    throw new ApnsTlsError(
      'APNS_ERR_TLS_FILE_UNREADABLE',
      `cannot read ${kind} file ${shown} (${code ?? 'unknown error'}); check that it is a readable file`,
    );
  }
}
