/**
 * One connection's provider token: signed when the connection first needs one, replaced after
 * tokenRefreshMs (the sender keeps that within 20 to 50 minutes), and "proven" once a request
 * carrying it was answered with anything but 403, until when APNs allows one stream only.
 */
import { Http2Status } from '@apnskit/codec/http2';
import type { ConnectionSettings } from './push-connection.js';
import type { ProviderTokenSigner } from './provider-token.js';

export class ConnectionToken {
  /** The signed token, undefined before the first (and on certificate connections). */
  token: string | undefined;
  signing = false;
  private proven: boolean;
  private issuedAt = 0;

  constructor(
    private readonly signer: ProviderTokenSigner | undefined,
    private readonly settings: ConnectionSettings,
    /** A token is ready (or replaced): streams may open. */
    private readonly onSigned: () => void,
    private readonly onFailed: (error: Error) => void,
  ) {
    this.proven = signer === undefined;
  }

  get needed(): boolean {
    return this.signer !== undefined;
  }

  /** Streams allowed under a server limit of `limit`: one until the token is proven. */
  allowed(limit: number): number {
    return this.proven ? limit : Math.min(limit, 1);
  }

  /** Starts a replacement when the token is due; true when the caller must wait for it. */
  refreshIfDue(): boolean {
    if (this.token === undefined || this.settings.clock() - this.issuedAt < this.settings.tokenRefreshMs) return false;
    this.refresh();
    return true;
  }

  /** An answer with `status` came back: anything but 403 shows the token works (or was never checked). */
  answered(status: number): void {
    if (status !== Http2Status.Forbidden) this.proven = true;
  }

  refresh(): void {
    if (this.signing || !this.signer) return;
    this.signing = true;
    const issuedAt = this.settings.clock();
    this.signer.sign(issuedAt).then(
      (token) => {
        this.signing = false;
        this.token = token;
        this.issuedAt = issuedAt;
        this.onSigned();
      },
      (error: Error) => {
        this.signing = false;
        this.onFailed(error);
      },
    );
  }
}
