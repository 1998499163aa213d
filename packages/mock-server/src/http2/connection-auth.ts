/**
 * How one HTTP/2 connection authenticates its pushes, as APNs does: a client certificate for the
 * whole connection, or a provider token per request with the connection's rules (the first valid
 * token pins key and team; a new token at most every 20 minutes; tokens expire after an hour).
 */
import { ProviderTokenRules, bearerToken, type AuthKind, type Reason } from '@apnskit/codec/http2';
import type { ApnsEnvironment as PushEnvironment } from '@apnskit/tls';
import type { PeerIdentity } from '../peer.js';
import type { TokenVerdict, TokenVerifier } from './token-verifier.js';

/** What a client certificate says, when the connection presented one. */
export interface CertificateIdentity extends PeerIdentity {
  /** Issued by the mock's CA. */
  readonly authorized: boolean;
}

export type AuthResult = { readonly ok: true; readonly auth: AuthKind; readonly firstToken: boolean } | { readonly ok: false; readonly reason: Reason };

const MS_PER_SECOND = 1000;

export class ConnectionAuth {
  /** The token in use on this connection and what it pinned. */
  private token: string | undefined;
  private keyId: string | undefined;
  private teamId: string | undefined;
  private tokenSince = 0;

  constructor(
    readonly certificate: CertificateIdentity | undefined,
    private readonly environment: PushEnvironment,
    private readonly verifier: TokenVerifier,
  ) {}

  get kind(): AuthKind {
    return this.certificate ? 'certificate' : 'token';
  }

  /** Whether a valid token was seen (a token connection allows one stream until then). */
  get authenticated(): boolean {
    return this.certificate !== undefined || this.token !== undefined;
  }

  /** The certificate's verdict (no token involved). */
  certificateVerdict(): AuthResult {
    const certificate = this.certificate!;
    if (!certificate.authorized || certificate.topic === undefined) return { ok: false, reason: 'BadCertificate' };
    if (!certificate.environments.includes(this.environment)) return { ok: false, reason: 'BadCertificateEnvironment' };
    return { ok: true, auth: 'certificate', firstToken: false };
  }

  /** A cached verdict decides at once; otherwise undefined, and `authorizeAsync` verifies. */
  authorizeCached(authorization: string | undefined, now: number): AuthResult | undefined {
    if (this.certificate) return this.certificateVerdict();
    const jwt = bearerToken(authorization);
    if (jwt === undefined) return { ok: false, reason: 'MissingProviderToken' };
    const verdict = this.verifier.cached(jwt);
    return verdict ? this.apply(jwt, verdict, now) : undefined;
  }

  async authorizeAsync(authorization: string | undefined, now: () => number): Promise<AuthResult> {
    const jwt = bearerToken(authorization)!;
    const verdict = await this.verifier.verify(jwt);
    return this.apply(jwt, verdict, now());
  }

  private apply(jwt: string, verdict: TokenVerdict, now: number): AuthResult {
    if (!verdict.ok) return verdict;
    if (now / MS_PER_SECOND - verdict.issuedAt > ProviderTokenRules.LifetimeSeconds) return { ok: false, reason: 'ExpiredProviderToken' };
    if (this.token === undefined) {
      this.token = jwt;
      this.keyId = verdict.keyId;
      this.teamId = verdict.teamId;
      this.tokenSince = now;
      return { ok: true, auth: 'token', firstToken: true };
    }
    if (verdict.teamId !== this.teamId) return { ok: false, reason: 'InvalidProviderToken' };
    if (verdict.keyId !== this.keyId) return { ok: false, reason: 'UnrelatedKeyIdInToken' };
    if (jwt !== this.token) {
      if (now - this.tokenSince < ProviderTokenRules.MinRefreshSeconds * MS_PER_SECOND) return { ok: false, reason: 'TooManyProviderTokenUpdates' };
      this.token = jwt;
      this.tokenSince = now;
    }
    return { ok: true, auth: 'token', firstToken: false };
  }
}
