import { isIPv6 } from 'node:net';
import { ApnsTlsError } from './errors.js';

/** Where to connect. */
export interface Address {
  host: string;
  port: number;
}

const MAX_PORT = 65535;
const BRACKETED = /^\[([^\]]+)\](?::(.*))?$/;

/**
 * Parses `host`, `host:port`, `[v6]:port` or a bare IPv6 address; the port defaults to
 * `defaultPort`. Throws ApnsTlsError APNS_ERR_TLS_INVALID_ADDRESS with what to fix.
 */
export function parseAddress(text: string, defaultPort: number): Address {
  if (typeof text !== 'string' || text.trim() === '') {
    throw invalid(String(text), 'give HOST or HOST:PORT, e.g. 127.0.0.1:2196');
  }
  const trimmed = text.trim();
  const bracketed = BRACKETED.exec(trimmed);
  if (bracketed) return { host: bracketed[1], port: parsePort(bracketed[2], defaultPort, trimmed) };
  const colon = trimmed.lastIndexOf(':');
  if (colon === -1) return { host: trimmed, port: defaultPort };
  const host = trimmed.slice(0, colon);
  // Two colons or more: only a bare IPv6 address (isIPv6 compiles a large pattern: 10 ms at start).
  if (host.includes(':') && isIPv6(trimmed)) return { host: trimmed, port: defaultPort };
  if (host === '' || host.includes(':')) {
    throw invalid(trimmed, 'write an IPv6 address with a port as [ADDRESS]:PORT, e.g. [::1]:2196');
  }
  return { host, port: parsePort(trimmed.slice(colon + 1), defaultPort, trimmed) };
}

function parsePort(text: string | undefined, defaultPort: number, whole: string): number {
  if (text === undefined) return defaultPort;
  const port = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > MAX_PORT) {
    throw invalid(whole, `the port must be a number from 1 to ${MAX_PORT}`);
  }
  return port;
}

function invalid(text: string, fix: string): ApnsTlsError {
  return new ApnsTlsError('APNS_ERR_TLS_INVALID_ADDRESS', `invalid address ${JSON.stringify(text)}: ${fix}`);
}

/** `host:port`, with brackets around an IPv6 host. */
export function formatAddress(address: Address): string {
  return isIPv6(address.host) ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
