import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { openSqliteFile } from '../../src/platform/sqlite/sqlite-file.js';
import { PROJECTIONS } from '../../src/app.projections.js';
import { rebuildProjections } from '../../src/projections/runner/rebuild.js';
import { openMongoReadStore } from '../../src/read-store/mongodb/mongodb-read-store.js';
import type { ReadStore } from '../../src/read-store/read-store.port.js';
import { SqliteReadStore } from '../../src/read-store/sqlite/sqlite-read-store.js';

/**
 * The process whose time and memory the rebuild benchmark measures (bench/rebuild.ts samples
 * its RSS from outside): rebuilds every projection from position 0, reading the log in
 * `dataDir`, into a fresh embedded read store or into MongoDB when a URL is given. Prints
 * one JSON line with the result.
 * Usage: node dist-bench/bench/support/rebuild-child.js <dataDir> [mongodbUrl]
 */
const [dataDir, mongodbUrl] = process.argv.slice(2);
if (dataDir === undefined) throw new Error('usage: rebuild-child <dataDir> [mongodbUrl]');

const events = new SqliteEventStore(openSqliteFile(join(dataDir, 'events.sqlite')));
const scratch = mkdtempSync(join(tmpdir(), 'ledger-bench-rebuild-'));
const readStore: ReadStore =
  mongodbUrl !== undefined && mongodbUrl !== ''
    ? await openMongoReadStore(mongodbUrl)
    : new SqliteReadStore(openSqliteFile(join(scratch, 'read-models.sqlite'), { synchronous: 'NORMAL' }));
let lastReport = 0;
const result = await rebuildProjections(events, readStore, PROJECTIONS, (progress) => {
  if (progress.elapsedMs - lastReport < 5000) return;
  lastReport = progress.elapsedMs;
  process.stderr.write(`  ${progress.events} of ~${progress.total} events, ${Math.round(progress.events / (progress.elapsedMs / 1000))} ev/s\n`);
});
const counts: Record<string, number> = {};
for (const projection of PROJECTIONS) counts[projection.collection.name] = await readStore.count(projection.collection.name);
await Promise.all([events.close(), readStore.close()]);
rmSync(scratch, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ ...result, documents: counts })}\n`);
