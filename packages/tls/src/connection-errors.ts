/** What kind of failure ended a connection attempt, for errors that say what to fix. */
export type ConnectionFailureKind =
  | 'refused'
  | 'unreachable'
  | 'server-certificate'
  | 'client-certificate-rejected'
  | 'reset'
  | 'timeout'
  | 'not-http2'
  | 'tls';

export interface ConnectionFailure {
  readonly kind: ConnectionFailureKind;
  /** The underlying error's code, e.g. ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT. */
  readonly cause: string;
  /** One sentence: what happened and what to do about it. */
  readonly hint: string;
}

/** Certificate verification failures as Node reports them (OpenSSL verify codes). */
const SERVER_VERIFY_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const UNREACHABLE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
/** TLS alerts a server sends when it does not accept the client certificate. */
const CLIENT_CERT_ALERT = /ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED|UNSUPPORTED_CERTIFICATE|ACCESS_DENIED|HANDSHAKE_FAILURE)/;

/** Classifies a socket or TLS error from a connection attempt. */
export function describeConnectionFailure(error: unknown): ConnectionFailure {
  const code = errorCode(error);
  if (code === 'ECONNREFUSED') {
    return { kind: 'refused', cause: code, hint: 'connection refused: check the host and port, and that the server is running' };
  }
  if (UNREACHABLE_CODES.has(code)) {
    return { kind: 'unreachable', cause: code, hint: `host not reachable (${code}): check the host name and the network` };
  }
  if (code === 'ETIMEDOUT' || code === 'APNS_ERR_TIMEOUT') {
    return { kind: 'timeout', cause: code, hint: 'no answer in time: check the address, firewall and the timeout' };
  }
  if (SERVER_VERIFY_CODES.has(code)) {
    return {
      kind: 'server-certificate',
      cause: code,
      hint: `the server's certificate does not verify (${code}): give its CA with the ca option (--ca FILE), or, for a local mock only, the insecure option (--insecure)`,
    };
  }
  if (CLIENT_CERT_ALERT.test(code)) {
    return {
      kind: 'client-certificate-rejected',
      cause: code,
      hint: `the server rejected the client certificate (${code}): use a push certificate issued for this server and environment`,
    };
  }
  if (refusedAlpn(code, error)) {
    return {
      kind: 'not-http2',
      cause: code,
      hint: 'the server does not speak HTTP/2 (it refused ALPN h2): check that the address is the provider API (api.push.apple.com:443), not the binary gateway',
    };
  }
  if (RESET_CODES.has(code)) {
    return { kind: 'reset', cause: code, hint: `the server closed the connection (${code}); if it happens during the handshake, check the client certificate and environment` };
  }
  return { kind: 'tls', cause: code, hint: `connection failed (${code}): ${error instanceof Error ? error.message : String(error)}` };
}

/**
 * TLS alert 120: the server offers none of our ALPN protocols. Node reports it with its own code
 * from the handshake, or as EPROTO when the alert arrives while a write is pending.
 */
function refusedAlpn(code: string, error: unknown): boolean {
  if (code === 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL') return true;
  return code === 'EPROTO' && error instanceof Error && /alert no application protocol/.test(error.message);
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}
