import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, decodeMasterKey } from '../config/ledger-config.js';
import { decrypt, encrypt } from './field-cipher.js';
import { subjectKeyId } from '../key-store/subject-key-store.port.js';

/**
 * The master key wraps every subject's data key (AES-256-GCM, docs/privacy.md). It never
 * encrypts personal data itself, so losing one data key (shredding) loses one subject only.
 */
export interface MasterKey {
  readonly key: Buffer;
  /** Short public fingerprint stored next to each wrapped key: which master key wrapped it. */
  readonly id: string;
  /** Where the key came from, for the start-up log line (never the key itself). */
  readonly source: string;
}

export const MASTER_KEY = Symbol('MasterKey');

const GENERATED_KEY_FILE = 'master-key';

/** First 16 hex digits of HMAC-SHA256(master, "ledger-master-key-id"): tells keys apart, reveals nothing. */
export const masterKeyId = (key: Buffer): string =>
  createHmac('sha256', key).update('ledger-master-key-id').digest('hex').slice(0, 16);

export const masterKeyFrom = (key: Buffer, source: string): MasterKey => ({ key, id: masterKeyId(key), source });

/**
 * `LEDGER_MASTER_KEY` when configured (always in production, see ledger-config.ts). Unset,
 * one key is generated once into the data directory (0600) and reused from then on: fine for
 * development, but a copy of the data directory then holds both the wrapped keys and the key
 * that unwraps them, which is why production must keep it elsewhere.
 */
export const loadMasterKey = (configured: Buffer | undefined, dataDir: string): MasterKey & { generated: boolean } => {
  if (configured !== undefined) return { ...masterKeyFrom(configured, 'LEDGER_MASTER_KEY'), generated: false };
  const path = join(dataDir, GENERATED_KEY_FILE);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    try {
      writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      return { ...readKeyFile(path), generated: true };
    } catch (error) {
      // Another process generated it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return { ...readKeyFile(path), generated: false };
};

const readKeyFile = (path: string): MasterKey => {
  const key = decodeMasterKey(readFileSync(path, 'utf8'));
  if (key === null) throw new ConfigError('LEDGER_MASTER_KEY', `is unset, and the generated key file ${path} holds no valid key`);
  return masterKeyFrom(key, path);
};

/** A separate key for one use, derived with HKDF-SHA256, so no two uses share key material. */
export const deriveKey = (master: MasterKey, purpose: string): Buffer =>
  Buffer.from(hkdfSync('sha256', master.key, Buffer.alloc(0), `privacy-ledger ${purpose}`, 32));

/** AAD of a wrapped key: the subject it belongs to, both parts URI-encoded so neither can forge the other. */
const wrapAad = (tenantId: string, subjectId: string): Buffer => Buffer.from(subjectKeyId(tenantId, subjectId), 'utf8');

export const wrapDataKey = (master: MasterKey, dataKey: Buffer, tenantId: string, subjectId: string): Buffer =>
  encrypt(master.key, dataKey, wrapAad(tenantId, subjectId));

/** Throws when the wrapped key was not wrapped by this master key for this subject. */
export const unwrapDataKey = (master: MasterKey, wrapped: Buffer, tenantId: string, subjectId: string): Buffer =>
  decrypt(master.key, wrapped, wrapAad(tenantId, subjectId));
