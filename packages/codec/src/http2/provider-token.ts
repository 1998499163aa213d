/**
 * Provider token (JWT) rules: the JOSE header and claims APNs expects, how long a token lives and
 * how often a connection may change it. Signing and verifying need keys and stay outside the codec.
 */
import type { Reason } from './reasons.js';

export const ProviderTokenRules = Object.freeze({
  Algorithm: 'ES256',
  KeyIdLength: 10,
  TeamIdLength: 10,
  /** A token whose `iat` is older than this is ExpiredProviderToken. */
  LifetimeSeconds: 3600,
  /** A connection may take a new token at most this often (TooManyProviderTokenUpdates). */
  MinRefreshSeconds: 1200,
} as const);

export interface ProviderTokenHeader {
  readonly alg: string;
  readonly kid: string;
}

export interface ProviderTokenClaims {
  /** Team id. */
  readonly iss: string;
  /** Issue time, numeric UNIX seconds. */
  readonly iat: number;
}

/** The JOSE header and claims to sign for a key and team at `nowSeconds`. */
export function providerTokenParts(keyId: string, teamId: string, nowSeconds: number): { header: ProviderTokenHeader & { typ: 'JWT' }; claims: ProviderTokenClaims } {
  return { header: { alg: ProviderTokenRules.Algorithm, kid: keyId, typ: 'JWT' }, claims: { iss: teamId, iat: Math.floor(nowSeconds) } };
}

/**
 * Checks a token's decoded header and claims (whose signature verified) at `nowSeconds`:
 * InvalidProviderToken for a wrong algorithm or missing/odd fields, ExpiredProviderToken for an
 * `iat` over an hour old. A token issued in the future is invalid too.
 */
export function checkProviderTokenClaims(header: { readonly [key: string]: unknown } | ProviderTokenHeader, claims: { readonly [key: string]: unknown } | ProviderTokenClaims, nowSeconds: number): Reason | undefined {
  const { alg, kid } = header as { alg?: unknown; kid?: unknown };
  const { iss, iat } = claims as { iss?: unknown; iat?: unknown };
  if (alg !== ProviderTokenRules.Algorithm || typeof kid !== 'string' || kid === '') return 'InvalidProviderToken';
  if (typeof iss !== 'string' || iss === '' || typeof iat !== 'number' || !Number.isFinite(iat)) return 'InvalidProviderToken';
  if (iat > nowSeconds + ALLOWED_FUTURE_SECONDS) return 'InvalidProviderToken';
  return nowSeconds - iat > ProviderTokenRules.LifetimeSeconds ? 'ExpiredProviderToken' : undefined;
}

/** Clock skew tolerated for an `iat` ahead of the server's clock. */
const ALLOWED_FUTURE_SECONDS = 60;
