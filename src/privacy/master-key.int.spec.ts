import { afterEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config/ledger-config.js';
import { deriveKey, loadMasterKey, masterKeyFrom, masterKeyId, unwrapDataKey, wrapDataKey } from './master-key.js';

describe('the master key', () => {
  const dirs: string[] = [];
  const aDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-master-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  describe('when LEDGER_MASTER_KEY is unset', () => {
    it('generates one key into the data directory, readable by the owner only, and says so once', () => {
      const dir = aDir();
      const first = loadMasterKey(undefined, join(dir, 'data'));
      expect(first.generated).toBe(true);
      const path = join(dir, 'data', 'master-key');
      expect(first.source).toBe(path);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64')).toEqual(first.key);

      const again = loadMasterKey(undefined, join(dir, 'data'));
      expect(again.generated).toBe(false);
      expect(again.key).toEqual(first.key);
      expect(again.id).toBe(first.id);
    });

    it('stops start-up, naming the variable, when the key file is damaged', () => {
      const dir = aDir();
      writeFileSync(join(dir, 'master-key'), 'not a key\n');
      expect(() => loadMasterKey(undefined, dir)).toThrow(ConfigError);
      expect(() => loadMasterKey(undefined, dir)).toThrow(/^LEDGER_MASTER_KEY:/);
    });
  });

  it('uses the configured key and writes no file', () => {
    const dir = aDir();
    const key = randomBytes(32);
    const loaded = loadMasterKey(key, dir);
    expect(loaded).toMatchObject({ key, source: 'LEDGER_MASTER_KEY', generated: false, id: masterKeyId(key) });
    expect(() => statSync(join(dir, 'master-key'))).toThrow();
  });

  it('has a 16-hex-digit fingerprint that tells keys apart', () => {
    const a = masterKeyId(randomBytes(32));
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(masterKeyId(randomBytes(32))).not.toBe(a);
  });

  it('derives separate keys per purpose', () => {
    const master = masterKeyFrom(randomBytes(32), 'test');
    const a = deriveKey(master, 'idempotency fingerprint');
    expect(a).toHaveLength(32);
    expect(deriveKey(master, 'idempotency fingerprint')).toEqual(a);
    expect(deriveKey(master, 'something else')).not.toEqual(a);
    expect(a).not.toEqual(master.key);
  });

  it('wraps a data key for one subject: it unwraps for that subject under that master key only', () => {
    const master = masterKeyFrom(randomBytes(32), 'test');
    const dataKey = randomBytes(32);
    const wrapped = wrapDataKey(master, dataKey, 'acme', 'usr-1');
    expect(wrapped.includes(dataKey)).toBe(false);
    expect(unwrapDataKey(master, wrapped, 'acme', 'usr-1')).toEqual(dataKey);
    expect(() => unwrapDataKey(master, wrapped, 'acme', 'usr-2')).toThrow();
    // tenant "acme/usr-1" + subject "" must not pass for tenant "acme" + subject "usr-1"
    expect(() => unwrapDataKey(master, wrapped, 'acme/usr-1', '')).toThrow();
    expect(() => unwrapDataKey(masterKeyFrom(randomBytes(32), 'other'), wrapped, 'acme', 'usr-1')).toThrow();
  });
});
