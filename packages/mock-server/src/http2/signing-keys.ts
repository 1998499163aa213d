import { createPublicKey, generateKeyPairSync, randomInt, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProviderTokenRules } from '@apnskit/codec/http2';
import type { ApnsEnvironment as PushEnvironment } from '@apnskit/tls';
import { MockServerError } from '../errors.js';

/** A provider-token signing key the mock knows. */
export interface SigningKey {
  readonly keyId: string;
  readonly teamId: string;
  /** Restricted to one environment (a 2025 team-scoped key); undefined serves both. */
  readonly environment: PushEnvironment | undefined;
  /** Where its private key was written (`AuthKey_<keyId>.p8`), when the mock made it. */
  readonly path: string | undefined;
}

/** What `addKey` takes: ids to use (default: random), an environment, and a public key (default: the mock makes a key pair). */
export interface SigningKeyInput {
  readonly keyId?: string;
  readonly teamId?: string;
  readonly environment?: PushEnvironment;
  /** PEM (SPKI) of a P-256 public key whose private key the caller holds. */
  readonly publicKey?: string;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ID_PATTERN = /^[A-Z0-9]{10}$/;

/** A 10-character id like Apple's key and team ids. */
export function randomId(): string {
  let id = '';
  for (let index = 0; index < ProviderTokenRules.KeyIdLength; index++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

function invalid(message: string): MockServerError {
  return new MockServerError('APNS_ERR_INVALID_OPTION', message);
}

/** The signing keys provider tokens are verified with, by key id. */
export class SigningKeys {
  private readonly keys = new Map<string, { key: SigningKey; publicKey: KeyObject }>();

  constructor(private readonly dir: string) {}

  /** Registers a key (making its pair and writing `AuthKey_<keyId>.p8` unless a public key is given). */
  add(input: SigningKeyInput = {}, defaults: { teamId?: string } = {}): SigningKey {
    const keyId = input.keyId ?? randomId();
    const teamId = input.teamId ?? defaults.teamId ?? randomId();
    if (!ID_PATTERN.test(keyId)) throw invalid(`keyId must be 10 characters A-Z or 0-9, got ${JSON.stringify(keyId)}`);
    if (!ID_PATTERN.test(teamId)) throw invalid(`teamId must be 10 characters A-Z or 0-9, got ${JSON.stringify(teamId)}`);
    if (this.keys.has(keyId)) throw invalid(`a key with id ${keyId} is already registered`);
    const environment = input.environment;
    if (environment !== undefined && environment !== 'sandbox' && environment !== 'production') throw invalid(`environment must be 'sandbox' or 'production'`);
    let publicKey: KeyObject;
    let path: string | undefined;
    if (input.publicKey !== undefined) {
      try {
        publicKey = createPublicKey(input.publicKey);
      } catch (error) {
        throw invalid(`publicKey is not a PEM public key: ${(error as Error).message}`);
      }
      if (publicKey.asymmetricKeyType !== 'ec' || publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw invalid('publicKey must be an EC P-256 key (ES256)');
    } else {
      const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      publicKey = pair.publicKey;
      path = join(this.dir, `AuthKey_${keyId}.p8`);
      writeFileSync(path, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    }
    const key: SigningKey = Object.freeze({ keyId, teamId, environment, path });
    this.keys.set(keyId, { key, publicKey });
    return key;
  }

  get(keyId: string): { key: SigningKey; publicKey: KeyObject } | undefined {
    return this.keys.get(keyId);
  }

  list(): SigningKey[] {
    return [...this.keys.values()].map(({ key }) => key);
  }
}
