import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { E2E_ADMIN_KEY, newDataDir, removeDataDir, startLedger, type RunningLedger, type StartOptions } from '../support/ledger-app.js';

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** Starts a ledger and returns what it wrote to stdout while starting. */
const startCapturingStdout = async (options: StartOptions): Promise<{ ledger: RunningLedger; stdout: string }> => {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  });
  try {
    const ledger = await startLedger(options);
    return { ledger, stdout: written.join('') };
  } finally {
    spy.mockRestore();
  }
};

describe('API keys', () => {
  const dirs: string[] = [];
  const running: RunningLedger[] = [];
  afterEach(async () => {
    for (const ledger of running.splice(0)) await ledger.close();
    for (const dir of dirs.splice(0)) removeDataDir(dir);
  });

  describe('with no keys configured (development)', () => {
    it('creates one admin key on the first start, prints it once and stores only its hash (0600)', async () => {
      const dataDir = newDataDir();
      dirs.push(dataDir);
      const first = await startCapturingStdout({ dataDir, env: { LEDGER_API_KEYS: '' }, apiKey: null });
      running.push(first.ledger);

      const printed = /\n {4}(plk_[A-Za-z0-9_-]{43})\n/.exec(first.stdout)?.[1];
      expect(printed).toBeDefined();
      const key = printed as string;
      expect(first.stdout).toContain('ADMIN API KEY (shown once)');
      expect(first.stdout.split(key)).toHaveLength(2);

      const file = join(dataDir, 'api-keys.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const stored = readFileSync(file, 'utf8');
      expect(stored).not.toContain(key);
      expect(JSON.parse(stored)).toEqual([{ name: 'bootstrap-admin', role: 'admin', tenants: ['*'], keySha256: sha256Hex(key) }]);

      // The printed key works, for everything an admin may do; no key does not.
      expect((await first.ledger.as(key).get('/health')).status).toBe(200);
      expect((await first.ledger.as(key).get('/v1/deletions')).status).toBe(200);
      expect((await first.ledger.as(E2E_ADMIN_KEY).get('/health')).status).toBe(401);
      await first.ledger.close();
      running.pop();

      // A second start on the same data directory reuses the stored hash and prints no key.
      const second = await startCapturingStdout({ dataDir, env: { LEDGER_API_KEYS: '' }, apiKey: null });
      running.push(second.ledger);
      expect(second.stdout).not.toContain(key);
      expect(second.stdout).not.toMatch(/plk_/);
      expect(second.stdout).not.toContain('ADMIN API KEY');
      expect(readFileSync(file, 'utf8')).toBe(stored);
      expect((await second.ledger.as(key).get('/health')).status).toBe(200);
    });

    it('creates no key when keys are configured', async () => {
      const { ledger, stdout } = await startCapturingStdout({});
      running.push(ledger);
      dirs.push(ledger.dataDir);
      expect(stdout).not.toMatch(/plk_|ADMIN API KEY/);
      expect(() => statSync(join(ledger.dataDir, 'api-keys.json'))).toThrow(/ENOENT/);
    });

    it('refuses to start on a damaged key file, naming it', async () => {
      const dataDir = newDataDir();
      dirs.push(dataDir);
      writeFileSync(join(dataDir, 'api-keys.json'), '[{"name": "x"', { mode: 0o600 });
      await expect(startLedger({ dataDir, env: { LEDGER_API_KEYS: '' } })).rejects.toThrow(
        /^LEDGER_API_KEYS: is unset, and the stored key file .*api-keys\.json is not valid JSON/,
      );
    });
  });

  describe('configured keys', () => {
    const AUDITOR_KEY = 'auditor-from-hash-0123456789';

    it('accepts a key configured by its SHA-256 only, from LEDGER_API_KEYS or LEDGER_API_KEYS_FILE', async () => {
      const entries = JSON.stringify([{ name: 'desk', role: 'auditor', tenants: ['*'], keySha256: sha256Hex(AUDITOR_KEY) }]);
      const inline = await startLedger({ env: { LEDGER_API_KEYS: entries }, apiKey: AUDITOR_KEY });
      running.push(inline);
      dirs.push(inline.dataDir);
      expect((await inline.get('/v1/audit/tree-heads')).status).toBe(200);
      expect((await inline.as(`${AUDITOR_KEY}x`).get('/v1/audit/tree-heads')).status).toBe(401);

      const keysDir = newDataDir();
      dirs.push(keysDir);
      const file = join(keysDir, 'keys.json');
      writeFileSync(file, entries);
      const fromFile = await startLedger({ env: { LEDGER_API_KEYS_FILE: file }, apiKey: AUDITOR_KEY });
      running.push(fromFile);
      dirs.push(fromFile.dataDir);
      expect((await fromFile.get('/v1/audit/tree-heads')).status).toBe(200);
      expect((await fromFile.get('/health')).status).toBe(403);
    });

    it.each([
      ['no Authorization header', undefined],
      ['an unknown key', `Bearer ${E2E_ADMIN_KEY}x`],
      ['the right key under another scheme', `Basic ${E2E_ADMIN_KEY}`],
      ['the right key without a scheme', E2E_ADMIN_KEY],
      ['an empty bearer token', 'Bearer '],
    ])('answers %s with 401 problem+json and WWW-Authenticate: Bearer', async (_label, authorization) => {
      const ledger = await startLedger({ apiKey: null });
      running.push(ledger);
      dirs.push(ledger.dataDir);
      const answer = await ledger.get('/v1/deletions', authorization === undefined ? {} : { authorization });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="privacy-ledger"/);
      expect(answer.body).toMatchObject({ status: 401, code: 'unauthorized', type: 'urn:privacy-ledger:problem:unauthorized' });
      expect(answer.text).not.toContain(E2E_ADMIN_KEY);
    });
  });
});
