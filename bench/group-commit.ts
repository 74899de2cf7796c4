import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createLedgerApp } from '../src/app.factory.js';
import { parseConfig } from '../src/config/ledger-config.js';
import { EVENT_STORE, type NewEvent } from '../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { openSqliteFile } from '../src/platform/sqlite/sqlite-file.js';

/**
 * Group commit, measured by hand (small and quick; the full command benchmark is separate):
 * appends per second to the embedded event store (synchronous=FULL) sequentially and with
 * `inFlight` appends in flight, with group commit and with one transaction per append
 * (maxBatch 1, the behaviour before group commit); then new-subject consents over HTTP
 * through the real app, sequentially and `inFlight` at a time, with the commits counted.
 * Usage: npm run bench:group-commit -- [appends] [commands] [inFlight]
 */
const appends = Number(process.argv[2] ?? 2000);
const commands = Number(process.argv[3] ?? 1000);
const inFlight = Number(process.argv[4] ?? 50);
const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-group-commit-'));

const anEvent = (): NewEvent => ({
  id: randomUUID(),
  type: 'consent-given',
  occurredAt: '2026-01-01T00:00:00.000Z',
  recordedAt: '2026-01-01T00:00:00.000Z',
  data: { purposes: ['crm-access', 'usage-analytics'], policyVersion: '2024-06', channel: 'web' },
  metadata: { tenantId: 'bench', subjectId: 's', actor: 'bench', correlationId: randomUUID(), causationId: randomUUID(), idempotencyKey: null },
});

/** Runs `total` jobs with at most `parallel` in flight; returns per-second rate and latencies. */
const drive = async (total: number, parallel: number, job: (i: number) => Promise<void>) => {
  const times: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < total) {
        const i = next++;
        const t = performance.now();
        await job(i);
        times.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const at = (q: number) => Number((times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0).toFixed(2));
  return { perSecond: Math.round(total / seconds), p50Ms: at(0.5), p99Ms: at(0.99) };
};

const rows: Record<string, unknown>[] = [];

for (const [mode, maxBatch] of [['one transaction per append', 1], ['group commit', undefined]] as const) {
  for (const parallel of [1, inFlight]) {
    const store = new SqliteEventStore(openSqliteFile(join(dir, `${randomUUID()}.sqlite`)), maxBatch === undefined ? {} : { maxBatch });
    const result = await drive(appends, parallel, async () => {
      await store.append(`subject-bench/${randomUUID()}`, [anEvent()], 'no-stream');
    });
    rows.push({ level: 'event store', mode, inFlight: parallel, ...result, commits: store.commitStats.commits, largestBatch: store.commitStats.largestBatch });
    await store.close();
  }
}

const apiKey = `bench-${randomUUID()}`;
for (const [mode, maxBatch] of [['one transaction per write', '1'], ['group commit', '256']] as const) {
  const app = await createLedgerApp({
    config: parseConfig({
      LEDGER_DATA_DIR: join(dir, `app-${maxBatch}`),
      PORT: '0',
      HOST: '127.0.0.1',
      LEDGER_API_KEYS: JSON.stringify([{ name: 'bench', role: 'admin', tenants: ['*'], key: apiKey }]),
      LEDGER_GROUP_COMMIT_MAX_BATCH: maxBatch,
      ...(process.env['MONGODB_URL'] && { MONGODB_URL: process.env['MONGODB_URL'] }),
    }),
    logger: ['error'],
  });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const events = app.get(EVENT_STORE) as SqliteEventStore;
  for (const parallel of [1, inFlight]) {
    const before = events.commitStats;
    const result = await drive(commands, parallel, async (i) => {
      const response = await fetch(`${url}/v1/tenants/bench/subjects/s-${randomUUID()}/consents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}`, 'idempotency-key': `k-${randomUUID()}` },
        body: JSON.stringify({
          purposes: ['crm-access', 'usage-analytics'],
          policyVersion: '2024-06',
          channel: 'web',
          evidence: { ipAddress: '203.0.113.7', userAgent: 'Mozilla/5.0', contact: `user${i}@example.com` },
        }),
      });
      await response.arrayBuffer();
      if (response.status !== 201) throw new Error(`consent: ${response.status}`);
    });
    const after = events.commitStats;
    rows.push({ level: 'HTTP, new-subject consents', mode, inFlight: parallel, ...result, commits: after.commits - before.commits, largestBatch: after.largestBatch });
  }
  await app.close();
}
rmSync(dir, { recursive: true, force: true });
console.table(rows);
mkdirSync('bench/results', { recursive: true });
writeFileSync(join('bench/results', `group-commit-${appends}-${commands}-${inFlight}.json`), `${JSON.stringify(rows, null, 2)}\n`);
