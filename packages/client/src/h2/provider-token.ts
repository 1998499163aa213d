/**
 * Provider tokens: the .p8 key loaded and checked once, before any connection, and ES256 JWTs
 * signed with `jose` from the codec's header and claims.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import { ProviderTokenRules, providerTokenParts } from '@apnskit/codec/http2';
import { ApnsClientError } from '../errors.js';
import type { ProviderTokenOptions } from './types.js';

const ID_PATTERN = /^[A-Z0-9]+$/;
const PEM_MARKER = '-----BEGIN';
const MS_PER_SECOND = 1000;

function keyError(message: string): ApnsClientError {
  return new ApnsClientError('APNS_ERR_PROVIDER_KEY', message);
}

function checkId(name: string, value: unknown, length: number): string {
  if (typeof value !== 'string' || value.length !== length || !ID_PATTERN.test(value)) {
    throw keyError(`${name} must be the ${length}-character id from Apple's developer portal (A-Z, 0-9), got ${JSON.stringify(value)}`);
  }
  return value;
}

function keyText(key: string | Buffer): { text: string; origin: string } {
  if (Buffer.isBuffer(key)) return { text: key.toString('utf8'), origin: 'the key bytes' };
  if (typeof key !== 'string') throw keyError('token.key must be the path of the .p8 file or its PEM text');
  if (key.includes(PEM_MARKER)) return { text: key, origin: 'the key text' };
  try {
    return { text: readFileSync(key, 'utf8'), origin: key };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw keyError(code === 'ENOENT' ? `no key file at ${key}: give the path of AuthKey_<keyId>.p8` : `cannot read the key file ${key} (${code ?? 'error'})`);
  }
}

/** Signs provider tokens for one key and team. */
export class ProviderTokenSigner {
  readonly keyId: string;
  readonly teamId: string;
  private readonly key: KeyObject;

  /** Loads and checks the key now: a bad file, a key that is not EC P-256, or bad ids throw APNS_ERR_PROVIDER_KEY. */
  constructor(options: ProviderTokenOptions) {
    if (options === null || typeof options !== 'object') throw keyError('token must be { key, keyId, teamId }');
    this.keyId = checkId('token.keyId', options.keyId, ProviderTokenRules.KeyIdLength);
    this.teamId = checkId('token.teamId', options.teamId, ProviderTokenRules.TeamIdLength);
    const { text, origin } = keyText(options.key);
    let key: KeyObject;
    try {
      key = createPrivateKey(text);
    } catch {
      throw keyError(`${origin} is not a PEM private key: give the .p8 file Apple let you download once`);
    }
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw keyError(`${origin} is not an EC P-256 key: APNs provider tokens are signed with ES256 keys (.p8)`);
    }
    this.key = key;
  }

  /** A token issued at `nowMs` (milliseconds since the epoch). */
  sign(nowMs: number): Promise<string> {
    const { header, claims } = providerTokenParts(this.keyId, this.teamId, nowMs / MS_PER_SECOND);
    return new SignJWT({ iss: claims.iss, iat: claims.iat }).setProtectedHeader({ ...header }).sign(this.key);
  }
}
