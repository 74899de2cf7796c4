import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/ledger-config.js';
import { InvalidApiKeys, parseApiKeys, sha256, type ApiKey } from '../config/api-key-list.js';

export const STORED_KEYS_FILE = 'api-keys.json';
export const BOOTSTRAP_KEY_NAME = 'bootstrap-admin';

export interface StoredKeys {
  readonly keys: ApiKey[];
  readonly path: string;
  /** Set only on the start that created the file: the one time the secret exists outside a caller's hands. */
  readonly createdKey: string | undefined;
}

/**
 * With no keys configured (never in production, see ledger-config.ts), the ledger is not left
 * open: on its first start it creates one admin key, stores only its SHA-256 in
 * `<dataDir>/api-keys.json` (0600, the format of LEDGER_API_KEYS with `keySha256`), and hands
 * the secret back once for printing. Later starts read the stored hash and have no secret to show.
 */
export const loadOrCreateAdminKey = (dataDir: string): StoredKeys => {
  const path = join(dataDir, STORED_KEYS_FILE);
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    // 32 random bytes; the prefix lets secret scanners and people recognise a leaked ledger key.
    const key = `plk_${randomBytes(32).toString('base64url')}`;
    const entry = { name: BOOTSTRAP_KEY_NAME, role: 'admin', tenants: ['*'], keySha256: sha256(key).toString('hex') };
    try {
      writeFileSync(path, `${JSON.stringify([entry], null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      return { keys: readStoredKeys(path), path, createdKey: key };
    } catch (error) {
      // Another process created it first: use theirs (and show nothing: our key was never stored).
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return { keys: readStoredKeys(path), path, createdKey: undefined };
};

const readStoredKeys = (path: string): ApiKey[] => {
  try {
    return parseApiKeys(readFileSync(path, 'utf8'));
  } catch (error) {
    if (error instanceof InvalidApiKeys) throw new ConfigError('LEDGER_API_KEYS', `is unset, and the stored key file ${path} ${error.message}`);
    throw error;
  }
};

/**
 * The one message that shows the created key. It goes straight to stdout, not through the app
 * logger, so that it is never shipped with the logs or formatted into a log line.
 */
export const announceCreatedKey = (stored: StoredKeys): string =>
  [
    '',
    '==================== PRIVACY LEDGER: ADMIN API KEY (shown once) ====================',
    'No LEDGER_API_KEYS or LEDGER_API_KEYS_FILE is configured, so this first start created',
    `one admin key. Only its SHA-256 is stored, in ${stored.path}.`,
    '',
    `    ${stored.createdKey ?? ''}`,
    '',
    'Send it as "Authorization: Bearer <key>". Keep it in a secret store: it is not shown',
    'again. Configure LEDGER_API_KEYS for real use (README, docs/security.md).',
    '====================================================================================',
    '',
  ].join('\n');
