import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/ledger-config.js';
import { PROJECTIONS } from '../src/read-models/projections.js';
import { rebuildProjections } from '../src/read-models/runner/rebuild.js';
import { openEventStore, openReadStore } from '../src/stores/open-stores.js';
import { seedLog } from './support/seed-log.js';

/**
 * Rebuild benchmark: seed a log of N events over N/10 subjects in a fresh data directory,
 * then rebuild every projection from position 0 into the configured read store (embedded
 * SQLite, or MongoDB when MONGODB_URL is set). Prints a table and writes JSON results.
 * Usage: node dist-bench/bench/rebuild.js [events]
 */
const events = Number(process.argv[2] ?? 100_000);
const subjects = Math.max(1, Math.round(events / 10));
const dataDir = mkdtempSync(join(tmpdir(), 'ledger-bench-rebuild-'));
const mongo = process.env['MONGODB_URL'];
const config = parseConfig({ LEDGER_DATA_DIR: dataDir, ...(mongo && { MONGODB_URL: mongo }) });

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

const store = await openEventStore(config);
const seedStart = Date.now();
const seeded = await seedLog(store, events, subjects);
const seedMs = Date.now() - seedStart;
const readStore = await openReadStore(config);
global.gc?.();
const rssBefore = process.memoryUsage().rss;
peakRss = rssBefore;
const result = await rebuildProjections(store, readStore, PROJECTIONS);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
clearInterval(sampler);
await Promise.all([store.close(), readStore.close()]);
rmSync(dataDir, { recursive: true, force: true });

const row = {
  readStore: mongo ? 'mongodb' : 'sqlite',
  events: result.events,
  subjects,
  seedEventsPerSecond: Math.round(seeded / (seedMs / 1000)),
  rebuildSeconds: Number((result.elapsedMs / 1000).toFixed(2)),
  rebuildEventsPerSecond: Math.round(result.events / (result.elapsedMs / 1000)),
  rssBeforeMb: Math.round(rssBefore / 2 ** 20),
  peakRssMb: Math.round(peakRss / 2 ** 20),
  node: process.version,
  at: new Date().toISOString(),
};
console.table([row]);
mkdirSync('bench/results', { recursive: true });
writeFileSync(join('bench/results', `rebuild-${row.readStore}-${events}.json`), `${JSON.stringify(row, null, 2)}\n`);
