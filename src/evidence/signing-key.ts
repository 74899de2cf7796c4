import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import canonicalize from 'canonicalize';
import { ConfigError } from '../config/ledger-config.js';

/** The ledger's Ed25519 key: signs tree heads and certificates; auditors check with its public half. */
export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** SPKI PEM, served at GET /v1/audit/public-key. */
  readonly publicKeyPem: string;
  /** Where the key came from, for the start-up log line (never the key itself). */
  readonly source: string;
}

export const SIGNING_KEY = Symbol('SigningKey');

const GENERATED_KEY_FILE = 'signing-key.pem';

/**
 * `LEDGER_SIGNING_KEY` holds a PEM or the path of a PEM file. Unset, the embedded default
 * generates one key once into the data directory (0600) and reuses it from then on, so
 * every tree head this ledger ever signs checks against the same public key.
 */
export const loadSigningKey = (configured: string | undefined, dataDir: string): SigningKey & { generated: boolean } => {
  if (configured !== undefined) {
    const pem = configured.includes('-----BEGIN') ? configured : readPem(configured);
    return { ...fromPem(pem, configured.includes('-----BEGIN') ? 'LEDGER_SIGNING_KEY' : configured), generated: false };
  }
  const path = join(dataDir, GENERATED_KEY_FILE);
  if (existsSync(path)) return { ...fromPem(readFileSync(path, 'utf8'), path), generated: false };
  const { privateKey } = generateKeyPairSync('ed25519');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600, flag: 'wx' });
  return { ...fromPem(readFileSync(path, 'utf8'), path), generated: true };
};

const readPem = (path: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError('LEDGER_SIGNING_KEY', `is neither a PEM nor a readable file: ${path}`);
  }
};

const fromPem = (pem: string, source: string): SigningKey => {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new ConfigError('LEDGER_SIGNING_KEY', 'is not a PEM private key');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new ConfigError('LEDGER_SIGNING_KEY', 'must be an Ed25519 key');
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), source };
};

/** Signs the RFC 8785 canonical JSON of a value; base64 signature. */
export const signCanonical = (key: SigningKey, value: unknown): string =>
  sign(null, Buffer.from(canonicalize(value) ?? ''), key.privateKey).toString('base64');

export const verifyCanonical = (publicKey: KeyObject, value: unknown, signature: string): boolean =>
  verify(null, Buffer.from(canonicalize(value) ?? ''), publicKey, Buffer.from(signature, 'base64'));
