import { randomBytes, randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLog } from './support/generate-log.js';
import { machine, writeResults } from './support/measure.js';
import { freePort, startServer } from './support/server-process.js';

/**
 * Live projection throughput on MongoDB: the built ledger (`node dist/main.js`) started on a
 * copy of the generated log (BENCH_EVENTS, default 10,000; bench/support/generate-log.ts) with
 * MONGODB_URL pointing at an empty database, so its projection runner catches up from
 * position 0 the way it does after an outage (batches of 5,000 events, every projection).
 * Measures the time from the server's start until `/health` shows every projection at the
 * log's last position; events/s is events over that time.
 * Usage: npm run build && npm run bench:build && .ci/with-ferretdb node dist-bench/bench/projection-catch-up.js
 */
const url = process.env['MONGODB_URL'];
if (url === undefined || url === '') throw new Error('set MONGODB_URL (e.g. run under .ci/with-ferretdb)');
const events = Number(process.env['BENCH_EVENTS'] ?? process.argv[2] ?? 10_000);
const subjects = Number(process.env['BENCH_SUBJECTS'] ?? Math.max(1, Math.round(events / 10)));
const limitSeconds = Number(process.env['BENCH_LIMIT_SECONDS'] ?? 1800);
const before = machine();
const log = await ensureLog('bench/.cache', events, subjects);
const dataDir = mkdtempSync(join(tmpdir(), 'ledger-bench-catch-up-'));
cpSync(log.dataDir, dataDir, { recursive: true });
const database = new URL(url);
database.pathname = `/catchup_${randomUUID().slice(0, 8)}`;
const apiKey = randomBytes(32).toString('hex');
const port = await freePort();

interface Health {
  eventStore: { lastPosition: number };
  projections: { name: string; position: number }[];
}

const started = performance.now();
const server = await startServer(
  'dist/main.js',
  {
    PORT: String(port),
    HOST: '127.0.0.1',
    LEDGER_DATA_DIR: dataDir,
    MONGODB_URL: database.toString(),
    EVENTSTORE_CONNECTION_STRING: '',
    LEDGER_API_KEYS: JSON.stringify([{ name: 'bench', role: 'admin', tenants: ['*'], key: apiKey }]),
    LEDGER_RATE_LIMIT: '0',
    LEDGER_LOG_LEVEL: 'warn',
  },
  '/health/live',
  port,
);
let caughtUpSeconds: number | null = null;
let lowest = 0;
let lastPosition = 0;
try {
  for (let lastReport = 0; ; await new Promise((resolve) => setTimeout(resolve, 500))) {
    const elapsed = (performance.now() - started) / 1000;
    if (elapsed > limitSeconds) break;
    const response = await fetch(`${server.url}/health`, { headers: { authorization: `Bearer ${apiKey}` } }).catch(() => null);
    if (response?.status !== 200) continue;
    const health = (await response.json()) as Health;
    lastPosition = health.eventStore.lastPosition;
    lowest = Math.min(...health.projections.map((p) => p.position));
    if (elapsed - lastReport >= 10) {
      lastReport = elapsed;
      console.error(`  ${Math.round(elapsed)} s: every projection at ${lowest} or past, of ${lastPosition}`);
    }
    if (lastPosition > 0 && lowest >= lastPosition) {
      caughtUpSeconds = elapsed;
      break;
    }
  }
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
const after = machine();
const row = {
  events,
  subjects,
  caughtUpSeconds: caughtUpSeconds === null ? null : Number(caughtUpSeconds.toFixed(1)),
  eventsPerSecond: caughtUpSeconds === null ? null : Math.round(lastPosition / caughtUpSeconds),
  reached: lowest,
  of: lastPosition,
};
console.table([row]);
const noisy = before.noisy || after.noisy;
if (noisy) console.log(`NOISY: load average ${before.loadAverage1m} -> ${after.loadAverage1m} on ${after.cores} cores.`);
const path = writeResults(`projection-catch-up-${events}`, {
  benchmark: 'projection-catch-up',
  machine: { ...after, loadAverageBefore: before.loadAverage1m, noisy },
  row,
  limitSeconds,
  at: new Date().toISOString(),
});
console.log(`results: ${path}`);
