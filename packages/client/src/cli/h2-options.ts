// apns-send --http2: the provider API's own flags (token auth, topic, push type, collapse id).
import type { Address, ApnsTlsOptions } from '@apnskit/tls';
import { UsageError, type FlagValue } from '@apnskit/tls/cli';
import { HTTP2_PORT, providerApiAddress } from '../h2/endpoints.js';

export const HTTP2_FLAGS = {
  http2: { type: 'boolean' },
  'auth-key': { type: 'string' },
  'key-id': { type: 'string' },
  'team-id': { type: 'string' },
  topic: { type: 'string' },
  'push-type': { type: 'string' },
  'collapse-id': { type: 'string' },
  transport: { type: 'string' },
} as const;

const TRANSPORTS = ['direct', 'node-http2'] as const;

/** What --http2 adds to a send command. */
export interface Http2Flags {
  /** Provider token auth: the .p8 file, its key id and the team id (absent: certificate auth). */
  readonly token: { readonly key: string; readonly keyId: string; readonly teamId: string } | undefined;
  readonly topic: string | undefined;
  readonly pushType: string | undefined;
  readonly collapseId: string | undefined;
  /** 'direct' (default) or 'node-http2' (Node's own HTTP/2 client, the reference). */
  readonly transport: (typeof TRANSPORTS)[number] | undefined;
}

/** The servers --sandbox and --production name for the provider API. */
export const HTTP2_SERVICE = { sandbox: providerApiAddress('sandbox'), production: providerApiAddress('production'), defaultPort: HTTP2_PORT, addressFlag: 'gateway' } as const satisfies {
  sandbox: Address;
  production: Address;
  defaultPort: number;
  addressFlag: 'gateway';
};

const ONLY_WITH_HTTP2 = ['auth-key', 'key-id', 'team-id', 'topic', 'push-type', 'collapse-id', 'transport'] as const;

/** Whether the command line asks for the provider API (decides which servers --sandbox names). */
export function wantsHttp2(argv: readonly string[]): boolean {
  return argv.includes('--http2');
}

/** Checks the HTTP/2 flags; undefined without --http2 (then none of them may be given). Throws UsageError. */
export function http2FlagsFrom(values: Readonly<Record<string, FlagValue>>, tls: ApnsTlsOptions): Http2Flags | undefined {
  if (values.http2 !== true) {
    const stray = ONLY_WITH_HTTP2.filter((name) => values[name] !== undefined);
    if (stray.length > 0) throw new UsageError(`${stray.map((name) => `--${name}`).join(', ')} only work with --http2 (Apple's HTTP/2 provider API)`);
    return undefined;
  }
  const authKey = values['auth-key'] as string | undefined;
  const keyId = values['key-id'] as string | undefined;
  const teamId = values['team-id'] as string | undefined;
  const hasCertificate = tls.pfx !== undefined || tls.cert !== undefined;
  let token: Http2Flags['token'];
  if (authKey !== undefined || keyId !== undefined || teamId !== undefined) {
    if (authKey === undefined || keyId === undefined || teamId === undefined) {
      throw new UsageError('token auth needs all three: --auth-key FILE (the .p8), --key-id ID and --team-id ID');
    }
    if (hasCertificate) throw new UsageError('give either --auth-key (token auth) or --pfx/--cert (certificate auth), not both');
    token = { key: authKey, keyId, teamId };
  } else if (!hasCertificate) {
    throw new UsageError('no credentials: add --auth-key FILE --key-id ID --team-id ID (token auth), or --pfx FILE / --cert FILE --key FILE');
  }
  const topic = values.topic as string | undefined;
  if (token && topic === undefined) throw new UsageError('token auth needs --topic BUNDLE_ID (your app\'s bundle id)');
  const transport = values.transport as string | undefined;
  if (transport !== undefined && !(TRANSPORTS as readonly string[]).includes(transport)) {
    throw new UsageError(`--transport must be ${TRANSPORTS.join(' or ')}, got ${JSON.stringify(transport)}`);
  }
  return {
    token,
    topic,
    pushType: values['push-type'] as string | undefined,
    collapseId: values['collapse-id'] as string | undefined,
    transport: transport as Http2Flags['transport'],
  };
}
