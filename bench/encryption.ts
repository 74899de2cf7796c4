import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createLedgerApp } from '../src/app.factory.js';
import { parseConfig } from '../src/config/ledger-config.js';

/**
 * Cost of sealing personal data on the write path: N sequential consent commands with
 * evidence (each a new subject, so each creates that subject's data key), then N sequential
 * transfers with a reference for those subjects (a key lookup only), through the real HTTP app
 * on the embedded stores (or MongoDB for read models and keys when MONGODB_URL is set).
 * Usage: npm run bench:encryption -- [commands] [label]
 */
const n = Number(process.argv[2] ?? 2000);
const label = process.argv[3] ?? 'sealed';
const dataDir = mkdtempSync(join(tmpdir(), 'ledger-bench-encryption-'));
const mongo = process.env['MONGODB_URL'];
// Every route needs an API key (docs/security.md): one admin key for the benchmark's calls.
const apiKey = `bench-${randomUUID()}`;
const config = parseConfig({
  LEDGER_DATA_DIR: dataDir,
  PORT: '0',
  HOST: '127.0.0.1',
  LEDGER_API_KEYS: JSON.stringify([{ name: 'bench', role: 'admin', tenants: ['*'], key: apiKey }]),
  ...(mongo && { MONGODB_URL: mongo }),
});
const app = await createLedgerApp({ config, logger: ['error'] });
await app.listen(0, '127.0.0.1');
const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');

const post = async (path: string, body: unknown): Promise<void> => {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  if (response.status !== 201) throw new Error(`${path}: ${response.status}`);
};

const run = async (name: string, command: (i: number) => Promise<void>) => {
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await command(i);
    times.push(performance.now() - t);
  }
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const at = (q: number) => Number((times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0).toFixed(2));
  return { label, command: name, commands: n, commandsPerSecond: Math.round(n / seconds), p50Ms: at(0.5), p99Ms: at(0.99) };
};

const tenant = 'bench';
const subjects = Array.from({ length: n }, () => `s-${randomUUID()}`);
const rows = [
  await run('consent, new subject (key created)', (i) =>
    post(`/v1/tenants/${tenant}/subjects/${subjects[i]}/consents`, {
      purposes: ['crm-access', 'usage-analytics'],
      policyVersion: '2024-06',
      channel: 'web',
      evidence: { ipAddress: '203.0.113.7', userAgent: 'Mozilla/5.0 (X11; Linux x86_64)', contact: `user${i}@example.com` },
    }),
  ),
  await run('transfer with reference (key looked up)', (i) =>
    post(`/v1/tenants/${tenant}/subjects/${subjects[i]}/transfers`, {
      recipient: { id: 'aws-sg', name: 'Amazon Web Services', kind: 'cloud-host' },
      country: 'SG',
      dataCategories: ['pii.name'],
      purpose: 'crm-access',
      legalBasis: 'consent',
      reference: `job-${i}`,
    }),
  ),
];
await app.close();
rmSync(dataDir, { recursive: true, force: true });
console.table(rows);
mkdirSync('bench/results', { recursive: true });
writeFileSync(join('bench/results', `encryption-${label}-${n}.json`), `${JSON.stringify(rows, null, 2)}\n`);
