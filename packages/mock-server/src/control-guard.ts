// Who may use a local HTTP control endpoint. A web page in the user's browser can send "simple"
// cross-site requests (a POST with Content-Type text/plain needs no preflight) and, through DNS
// rebinding, even read answers under its own host name. So: writes must say JSON (a browser
// preflights that, and no CORS header is ever sent), the Host must name this machine's loopback,
// a foreign Origin is refused, and an optional bearer token closes the door to other local users.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface ControlGuardOptions {
  /** The address the endpoint listens on (accepted in Host besides the localhost names). */
  readonly host: string;
  /** The port it listens on; a Host with another port is refused. */
  readonly port: number;
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  readonly token?: string;
}

/** Why a request is refused: an HTTP status, a stable code and what to do. */
export interface Refusal {
  readonly status: 400 | 401 | 403 | 415;
  readonly code: string;
  readonly message: string;
}

const LOCAL_HOST_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const READ_METHODS = new Set(['GET', 'HEAD']);
const JSON_TYPE = /^application\/json\s*(;|$)/i;

function hostName(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** The Host header values a request to this endpoint may carry: `name:port`, any case. */
function allowedHosts(options: ControlGuardOptions): Set<string> {
  const names = new Set([...LOCAL_HOST_NAMES, hostName(options.host)]);
  return new Set([...names].map((name) => `${name}:${options.port}`.toLowerCase()));
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Makes the check for one endpoint; call it on every request before routing. */
export function controlGuard(options: ControlGuardOptions): (request: IncomingMessage) => Refusal | undefined {
  const hosts = allowedHosts(options);
  const origins = new Set([...hosts].map((host) => `http://${host}`));
  return (request) => {
    const host = (request.headers.host ?? '').toLowerCase();
    if (!hosts.has(host)) {
      return {
        status: 403,
        code: 'APNS_ERR_FORBIDDEN_HOST',
        message: `Host ${JSON.stringify(request.headers.host ?? '')} is not this server; use http://localhost:${options.port} or http://${hostName(options.host)}:${options.port}`,
      };
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !origins.has(origin.toLowerCase())) {
      return { status: 403, code: 'APNS_ERR_FORBIDDEN_ORIGIN', message: `requests from web pages (Origin ${origin}) are refused` };
    }
    if (options.token !== undefined) {
      const authorization = request.headers.authorization ?? '';
      const given = authorization.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : '';
      if (!sameSecret(given, options.token)) {
        return { status: 401, code: 'APNS_ERR_UNAUTHORIZED', message: 'send the control token as "Authorization: Bearer <token>"' };
      }
    }
    if (!READ_METHODS.has(request.method ?? 'GET') && !JSON_TYPE.test(request.headers['content-type'] ?? '')) {
      return {
        status: 415,
        code: 'APNS_ERR_CONTENT_TYPE',
        message: `${request.method} needs "Content-Type: application/json" (curl -H 'content-type: application/json'), even with no body`,
      };
    }
    return undefined;
  };
}
