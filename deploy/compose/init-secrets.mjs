// One-shot service of docker-compose.yml (`ledger-secrets`): writes the secrets that every
// ledger instance must share into the volume mounted at LEDGER_DATA_DIR, once. Instances that
// generated their own would wrap data keys with different master keys (each would fail to
// unwrap the others') and sign tree heads with different keys (docs/deployment.md).
//
// The files have the names and formats the ledger itself generates (master-key, signing-key.pem,
// api-keys.json), so the volume is also what a single development instance would have written.
// A value set in this service's environment (LEDGER_MASTER_KEY, LEDGER_SIGNING_KEY as a PEM,
// LEDGER_API_KEYS as JSON) is written instead of a generated one. A file already in the volume is
// kept; if it differs from a value given in the environment the service fails rather than let
// the instances start with a key the stored data was not written with.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.LEDGER_DATA_DIR ?? '/app/data';
const given = (name) => {
  const value = process.env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};

/** Writes the file unless it exists; true when this run created it. */
const provide = (file, variable, generate) => {
  const path = join(dir, file);
  const configured = given(variable);
  if (existsSync(path)) {
    if (configured !== undefined && readFileSync(path, 'utf8').trim() !== configured) {
      console.error(`${path} already holds another value than ${variable}: remove the volume, or unset ${variable}`);
      process.exit(1);
    }
    console.log(`${path}: kept`);
    return false;
  }
  writeFileSync(path, `${configured ?? generate()}\n`, { mode: 0o600, flag: 'wx' });
  console.log(`${path}: ${configured === undefined ? 'generated' : `written from ${variable}`}`);
  return configured === undefined;
};

provide('master-key', 'LEDGER_MASTER_KEY', () => randomBytes(32).toString('base64'));
provide('signing-key.pem', 'LEDGER_SIGNING_KEY', () =>
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().trim(),
);
// Only the hash is stored; the key itself is printed this once (as the ledger does on a first start).
const adminKey = `plk_${randomBytes(32).toString('base64url')}`;
const adminEntry = { name: 'compose-admin', role: 'admin', tenants: ['*'], keySha256: createHash('sha256').update(adminKey).digest('hex') };
if (provide('api-keys.json', 'LEDGER_API_KEYS', () => JSON.stringify([adminEntry], null, 2))) {
  console.log(
    [
      '',
      '==================== PRIVACY LEDGER: ADMIN API KEY (shown once) ====================',
      `Only its SHA-256 is stored, in ${join(dir, 'api-keys.json')}, read by every instance.`,
      '',
      `    ${adminKey}`,
      '',
      'Send it as "Authorization: Bearer <key>". Keep it in a secret store: it is not shown again.',
      '====================================================================================',
      '',
    ].join('\n'),
  );
}
