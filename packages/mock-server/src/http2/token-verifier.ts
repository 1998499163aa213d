import { compactVerify, decodeProtectedHeader } from 'jose';
import { checkProviderTokenClaims, type Reason } from '@apnskit/codec/http2';
import type { PushEnvironment } from '../certs/generate.js';
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
      const { payload } = await compactVerify(token, entry.publicKey, { algorithms: ['ES256'] });
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
