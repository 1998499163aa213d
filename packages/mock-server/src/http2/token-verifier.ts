import { compactVerify, decodeProtectedHeader } from 'jose';
import { checkProviderTokenClaims, type Reason } from '@apnskit/codec/http2';
import type { ApnsEnvironment as PushEnvironment } from '@apnskit/tls';
import type { SigningKeys } from './signing-keys.js';

/** A provider token whose signature verified, with what the connection rules need. */
export interface VerifiedToken {
  readonly ok: true;
  readonly keyId: string;
  readonly teamId: string;
  /** Issue time, UNIX seconds: the one-hour rule is checked on each use. */
  readonly issuedAt: number;
}
export type TokenVerdict = VerifiedToken | { readonly ok: false; readonly reason: Reason };

/** Verdicts kept, at most; the oldest go first (a flood of distinct tokens cannot grow memory). */
const CACHE_LIMIT = 4096;

/**
 * Verifies provider tokens (ES256 with jose) against the registered keys. The verdict is cached
 * per token string, so a token used for every push costs one map lookup after its first use.
 */
export class TokenVerifier {
  private readonly cache = new Map<string, TokenVerdict>();

  constructor(
    private readonly keys: SigningKeys,
    private readonly environment: PushEnvironment,
    private readonly wrongEnvironmentReason: Reason,
  ) {}

  cached(token: string): TokenVerdict | undefined {
    return this.cache.get(token);
  }

  async verify(token: string): Promise<TokenVerdict> {
    const known = this.cache.get(token);
    if (known) return known;
    const verdict = await this.check(token);
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(token, verdict);
    return verdict;
  }

  clear(): void {
    this.cache.clear();
  }

  private async check(token: string): Promise<TokenVerdict> {
    const invalid: TokenVerdict = { ok: false, reason: 'InvalidProviderToken' };
    let header: Record<string, unknown>;
    try {
      header = decodeProtectedHeader(token) as Record<string, unknown>;
    } catch {
      return invalid;
    }
    const entry = typeof header.kid === 'string' ? this.keys.get(header.kid) : undefined;
    if (!entry || header.alg !== 'ES256') return invalid;
    const restricted = entry.key.environment;
    if (restricted !== undefined && restricted !== this.environment) return { ok: false, reason: this.wrongEnvironmentReason };
    let claims: Record<string, unknown>;
    try {
      const { payload } = await compactVerify(withJoseSignature(token), entry.publicKey, { algorithms: ['ES256'] });
      claims = JSON.parse(Buffer.from(payload).toString('utf8')) as Record<string, unknown>;
    } catch {
      return invalid;
    }
    if (claims === null || typeof claims !== 'object') return invalid;
    // Expiry is judged at each use (the clock moves); here only the shape counts.
    const shape = checkProviderTokenClaims(header, claims, typeof claims.iat === 'number' ? claims.iat : 0);
    if (shape !== undefined || claims.iss !== entry.key.teamId) return invalid;
    return { ok: true, keyId: entry.key.keyId, teamId: entry.key.teamId, issuedAt: claims.iat as number };
  }
}

/** Bytes of an ES256 signature in JOSE form: R then S, 32 bytes each. */
const JOSE_SIGNATURE_BYTES = 64;
const COMPONENT_BYTES = 32;
const DER_SEQUENCE = 0x30;
const DER_INTEGER = 0x02;

/**
 * Apple's documented shell command signs with `openssl dgst -sign`, which writes the signature in
 * DER (a SEQUENCE of two INTEGERs) rather than JOSE's R||S; since that command is documented to
 * work, a DER signature is rewritten to R||S and then verified by jose like any other.
 */
export function withJoseSignature(token: string): string {
  const lastDot = token.lastIndexOf('.');
  if (lastDot < 0) return token;
  const signature = Buffer.from(token.slice(lastDot + 1), 'base64url');
  if (signature.length === JOSE_SIGNATURE_BYTES || signature[0] !== DER_SEQUENCE) return token;
  const raw = derToJose(signature);
  return raw ? `${token.slice(0, lastDot + 1)}${raw.toString('base64url')}` : token;
}

function derToJose(der: Buffer): Buffer | undefined {
  // SEQUENCE (short length) { INTEGER r, INTEGER s }: each integer at most 33 bytes (a leading zero).
  if (der.length < 8 || der[1] !== der.length - 2) return undefined;
  const raw = Buffer.alloc(JOSE_SIGNATURE_BYTES);
  let offset = 2;
  for (let index = 0; index < 2; index++) {
    if (der[offset] !== DER_INTEGER) return undefined;
    const length = der[offset + 1]!;
    const start = offset + 2;
    if (start + length > der.length) return undefined;
    let value = der.subarray(start, start + length);
    while (value.length > COMPONENT_BYTES && value[0] === 0) value = value.subarray(1);
    if (value.length > COMPONENT_BYTES) return undefined;
    value.copy(raw, index * COMPONENT_BYTES + COMPONENT_BYTES - value.length);
    offset = start + length;
  }
  return offset === der.length ? raw : undefined;
}
