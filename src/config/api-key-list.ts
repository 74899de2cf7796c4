import { createHash } from 'node:crypto';
import { TENANT_ID_PATTERN } from '../domain/catalogue.js';

/*
 * The API keys of the configuration (LEDGER_API_KEYS): parsed and validated with the rest of
 * the configuration, so they live here; the access feature (src/access/) authenticates with them.
 */

/** What a key may do (docs/security.md has the table of routes per role). */
export const ROLES = ['service', 'auditor', 'ops', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** `*`: every tenant, present and future; otherwise the tenants named. */
export type TenantScope = '*' | readonly string[];

/** Who is asking: what the rest of the app (and its logs) may know about a key. Never the key. */
export interface Principal {
  readonly name: string;
  readonly role: Role;
  readonly tenants: TenantScope;
}

/** A configured key: only the SHA-256 of its secret is kept in memory. */
export interface ApiKey extends Principal {
  readonly keySha256: Buffer;
}

/** A key list that cannot be used; the caller names the variable or file it came from. */
export class InvalidApiKeys extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidApiKeys';
  }
}

/** A key name is logged and keys the rate limiter: a short token, nothing that could pass for a secret's shape. */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** RFC 6750 `b64token`, so that every configured key can be sent as `Authorization: Bearer <key>`. */
const TOKEN_PATTERN = /^[A-Za-z0-9._~+/-]+=*$/;
const MIN_KEY_LENGTH = 16;
export const MAX_KEY_LENGTH = 4096;
const ENTRY_FIELDS = new Set(['name', 'role', 'tenants', 'key', 'keySha256']);

export const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Parses the JSON of `LEDGER_API_KEYS` (or of the file `LEDGER_API_KEYS_FILE` names):
 * `[{ name, role, tenants, key | keySha256 }]`. A plain `key` is hashed at once. Messages
 * name the entry (index and name) and the field, never a key or its hash.
 */
export const parseApiKeys = (json: string): ApiKey[] => {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    // JSON.parse's own message quotes the input, which may hold a key: say only that it is not JSON.
    throw new InvalidApiKeys('is not valid JSON (expected an array of {"name", "role", "tenants", "key" or "keySha256"})');
  }
  if (!Array.isArray(raw)) throw new InvalidApiKeys('must be a JSON array of keys');
  if (raw.length === 0) throw new InvalidApiKeys('must list at least one key');
  const keys = raw.map((entry: unknown, index) => parseEntry(entry, index));
  const names = new Set<string>();
  const digests = new Set<string>();
  for (const key of keys) {
    if (names.has(key.name)) throw new InvalidApiKeys(`names "${key.name}" twice: key names must be unique`);
    names.add(key.name);
    const digest = key.keySha256.toString('hex');
    if (digests.has(digest)) throw new InvalidApiKeys(`key "${key.name}" has the same secret as another key`);
    digests.add(digest);
  }
  return keys;
};

const parseEntry = (entry: unknown, index: number): ApiKey => {
  const at = `entry ${index}`;
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new InvalidApiKeys(`${at} must be an object`);
  const fields = entry as Record<string, unknown>;
  const { name, role, tenants, key, keySha256 } = fields;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new InvalidApiKeys(`${at}: name must be 1-64 letters, digits, "_", "." or "-"`);
  }
  const which = `${at} ("${name}")`;
  const unknown = Object.keys(fields).find((field) => !ENTRY_FIELDS.has(field));
  if (unknown !== undefined) throw new InvalidApiKeys(`${which}: "${unknown}" is not a known field`);
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    throw new InvalidApiKeys(`${which}: role must be one of ${ROLES.join(', ')}`);
  }
  return { name, role: role as Role, tenants: parseTenants(tenants, which), keySha256: parseSecret(key, keySha256, which) };
};

const parseTenants = (tenants: unknown, which: string): TenantScope => {
  if (!Array.isArray(tenants) || tenants.length === 0) {
    throw new InvalidApiKeys(`${which}: tenants must be a non-empty list of tenant ids, or ["*"] for every tenant`);
  }
  if (tenants.includes('*')) {
    if (tenants.length > 1) throw new InvalidApiKeys(`${which}: "*" already means every tenant; list it alone`);
    return '*';
  }
  const bad = tenants.find((t: unknown) => typeof t !== 'string' || !TENANT_ID_PATTERN.test(t));
  if (bad !== undefined) throw new InvalidApiKeys(`${which}: ${JSON.stringify(bad)} is not a tenant id`);
  if (new Set(tenants).size !== tenants.length) throw new InvalidApiKeys(`${which}: tenants names a tenant twice`);
  return Object.freeze([...(tenants as string[])]);
};

const parseSecret = (key: unknown, keySha256: unknown, which: string): Buffer => {
  if (key !== undefined && keySha256 !== undefined) throw new InvalidApiKeys(`${which}: give either key or keySha256, not both`);
  if (keySha256 !== undefined) {
    if (typeof keySha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(keySha256)) {
      throw new InvalidApiKeys(`${which}: keySha256 must be the SHA-256 of the key as 64 hex digits`);
    }
    return Buffer.from(keySha256, 'hex');
  }
  if (key === undefined) throw new InvalidApiKeys(`${which}: needs a key or a keySha256`);
  if (typeof key !== 'string' || key.length < MIN_KEY_LENGTH || key.length > MAX_KEY_LENGTH || !TOKEN_PATTERN.test(key)) {
    throw new InvalidApiKeys(
      `${which}: key must be ${MIN_KEY_LENGTH}-${MAX_KEY_LENGTH} characters of A-Z, a-z, 0-9, "-", ".", "_", "~", "+", "/" (trailing "=" allowed)`,
    );
  }
  return sha256(key);
};
