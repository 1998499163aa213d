import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import { MockServerError } from '../errors.js';
import { withDirLock } from './dir-lock.js';
import { ensurePrivateDir, readOwnFile, writePrivateFile } from './private-files.js';
import { generateAuthority, generateCertificates, toP12, type Authority, type GeneratedCertificates, type PemPair } from './generate.js';

/** File names inside the certificates directory. */
export const CERT_FILES = Object.freeze({
  ca: 'ca.pem',
  /** The CA's key: kept (0600) so that certificates reused from the directory can be checked against it. */
  caKey: 'ca-key.pem',
  serverCert: 'server-cert.pem',
  serverKey: 'server-key.pem',
  clientCert: 'client-cert.pem',
  clientKey: 'client-key.pem',
  clientP12: 'client.p12',
  productionCert: 'production-cert.pem',
  productionKey: 'production-key.pem',
  productionP12: 'production.p12',
} as const);
export type CertFileName = keyof typeof CERT_FILES;

export type CertificatePaths = { readonly dir: string } & { readonly [name in CertFileName]: string };

/** What the server uses and hands to tests: PEM text, .p12 bytes and where each file is. */
export interface MockCertificates {
  readonly topic: string;
  /** CA certificate (PEM) that signed the server and client certificates: trust it in clients. */
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  /** Sandbox push client certificate and key (PEM). */
  readonly clientCert: string;
  readonly clientKey: string;
  /** The sandbox client certificate, key and CA as a .p12, encrypted with AES-256 under `p12Passphrase`. */
  readonly clientP12: Buffer;
  readonly p12Passphrase: string;
  /** Production-only push client certificate and key (PEM). */
  readonly productionClientCert: string;
  readonly productionClientKey: string;
  readonly productionClientP12: Buffer;
  readonly paths: CertificatePaths;
}

export const DEFAULT_P12_PASSPHRASE = 'apnskit-mock';
/** Files that expire within this margin are made again. */
const RENEW_MARGIN_MS = 86_400_000;

/** Generated certificates per topic, and the CA behind them, for this process: key generation is the slow part. */
const generated = new Map<string, Promise<GeneratedCertificates>>();
let authority: Promise<Authority> | undefined;
/** .p12 files per certificate and passphrase: PKCS#12 key derivation in node-forge is slow. */
const p12Cache = new Map<string, Buffer>();

function cachedP12(pair: PemPair, ca: PemPair, passphrase: string, friendlyName: string): Buffer {
  const key = `${pair.cert}\0${passphrase}`;
  let p12 = p12Cache.get(key);
  if (!p12) {
    p12 = toP12(pair, ca, passphrase, friendlyName);
    p12Cache.set(key, p12);
  }
  return p12;
}
let scratchRoot: string | undefined;

function generatedFor(topic: string): Promise<GeneratedCertificates> {
  let pending = generated.get(topic);
  if (!pending) {
    if (!authority) {
      const made = generateAuthority();
      authority = made;
      made.catch(() => {
        if (authority === made) authority = undefined;
      });
    }
    pending = authority.then((ca) => generateCertificates(topic, ca));
    generated.set(topic, pending);
    // A failed generation must not stay cached.
    pending.catch(() => generated.delete(topic));
  }
  return pending;
}

/** A private directory for this process, removed when it exits. */
function scratchDir(topic: string): string {
  if (!scratchRoot) {
    const root = mkdtempSync(join(tmpdir(), 'apnskit-mock-'));
    scratchRoot = root;
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  }
  return join(scratchRoot, topic.replace(/[^A-Za-z0-9._-]/g, '_'));
}

function pathsIn(dir: string): CertificatePaths {
  const entries = Object.entries(CERT_FILES).map(([name, file]) => [name, join(dir, file)]);
  return Object.freeze({ dir, ...Object.fromEntries(entries) }) as CertificatePaths;
}

/** True when `ca` is a CA certificate signed by itself with `key`: one this user's mock made. */
function isOwnAuthority(ca: X509Certificate, key: string): boolean {
  return ca.ca && ca.checkIssued(ca) && ca.verify(ca.publicKey) && ca.checkPrivateKey(createPrivateKey(key));
}

/**
 * The certificates already in `dir`, when complete, for `topic`, valid for a while, and signed by
 * the CA whose key is in the directory. Every file must be this user's own regular file.
 */
function readValid(paths: CertificatePaths, topic: string): GeneratedCertificates | undefined {
  try {
    const read = (path: string): string => readOwnFile(path).toString('utf8');
    const ca = { cert: read(paths.ca), key: read(paths.caKey) };
    const server = { cert: read(paths.serverCert), key: read(paths.serverKey) };
    const client = { cert: read(paths.clientCert), key: read(paths.clientKey) };
    const production = { cert: read(paths.productionCert), key: read(paths.productionKey) };
    const caCert = new X509Certificate(ca.cert);
    const horizon = Date.now() + RENEW_MARGIN_MS;
    if (Date.parse(caCert.validTo) < horizon || !isOwnAuthority(caCert, ca.key)) return undefined;
    for (const pair of [server, client, production]) {
      const cert = new X509Certificate(pair.cert);
      if (Date.parse(cert.validTo) < horizon || !cert.checkIssued(caCert) || !cert.verify(caCert.publicKey)) return undefined;
      if (!cert.checkPrivateKey(createPrivateKey(pair.key))) return undefined;
    }
    if (!new X509Certificate(client.cert).subject.split('\n').includes(`UID=${topic}`)) return undefined;
    return { topic, ca, server, client, production };
  } catch {
    return undefined;
  }
}

/** The .p12 at `path` when it is this user's file and opens with the passphrase. */
function readP12(path: string, passphrase: string): Buffer | undefined {
  try {
    const bytes = readOwnFile(path);
    createSecureContext({ pfx: bytes, passphrase });
    return bytes;
  } catch {
    return undefined;
  }
}

function writeAll(paths: CertificatePaths, certs: GeneratedCertificates): void {
  ensurePrivateDir(paths.dir);
  const write = (path: string, text: string, secret = false): void => writePrivateFile(path, text, secret);
  write(paths.ca, certs.ca.cert);
  write(paths.caKey, certs.ca.key, true);
  write(paths.serverCert, certs.server.cert);
  write(paths.serverKey, certs.server.key, true);
  write(paths.clientCert, certs.client.cert);
  write(paths.clientKey, certs.client.key, true);
  write(paths.productionCert, certs.production.cert);
  write(paths.productionKey, certs.production.key, true);
}

export interface LoadCertificatesOptions {
  readonly topic: string;
  /** Where to keep the files; reused while valid. Default: a temporary directory of this process. */
  readonly certsDir?: string;
  readonly p12Passphrase?: string;
}

/**
 * The mock's certificates for a topic: the files in `certsDir` when still valid, else certificates
 * made once per process and topic, written to `certsDir` (or a temporary directory).
 */
export async function loadCertificates(options: LoadCertificatesOptions): Promise<MockCertificates> {
  const { topic } = options;
  if (typeof topic !== 'string' || topic.length === 0 || /[\n\r,=+<>#;"\\]/.test(topic)) {
    throw new MockServerError('APNS_ERR_INVALID_OPTION', `topic must be a bundle id such as com.example.app, got ${JSON.stringify(topic)}`);
  }
  const passphrase = options.p12Passphrase ?? DEFAULT_P12_PASSPHRASE;
  const paths = pathsIn(resolve(options.certsDir ?? scratchDir(topic)));
  const prepare = async (): Promise<MockCertificates> => {
    let certs = options.certsDir ? readValid(paths, topic) : undefined;
    const reused = certs !== undefined;
    if (!certs) {
      certs = await generatedFor(topic);
      writeAll(paths, certs);
    }
    const p12 = (path: string, pair: PemPair, label: string): Buffer => {
      // Files reused from the directory keep their .p12 when it opens with this passphrase.
      const existing = reused ? readP12(path, passphrase) : undefined;
      if (existing) return existing;
      const bytes = cachedP12(pair, certs.ca, passphrase, `${label}: ${topic}`);
      writePrivateFile(path, bytes, true);
      return bytes;
    };
    const clientP12 = p12(paths.clientP12, certs.client, 'Apple Development IOS Push Services');
    const productionClientP12 = p12(paths.productionP12, certs.production, 'Apple Production IOS Push Services');
    return Object.freeze({
      topic,
      ca: certs.ca.cert,
      serverCert: certs.server.cert,
      serverKey: certs.server.key,
      clientCert: certs.client.cert,
      clientKey: certs.client.key,
      clientP12,
      p12Passphrase: passphrase,
      productionClientCert: certs.production.cert,
      productionClientKey: certs.production.key,
      productionClientP12,
      paths,
    });
  };
  try {
    if (!options.certsDir) return await prepare();
    // Checked before the lock file is made in it, and again by every write.
    ensurePrivateDir(paths.dir);
    return await withDirLock(paths.dir, prepare);
  } catch (error) {
    throw new MockServerError('APNS_ERR_CERTIFICATES', `could not prepare the certificates in ${paths.dir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export type { PemPair };
