import { ensureLog } from './support/generate-log.js';
import { machine, mb, runMeasured, startFerretDb, writeResults } from './support/measure.js';

/**
 * Rebuild benchmark: every projection rebuilt from position 0 over a generated log
 * (bench/support/generate-log.ts, cached between runs) of BENCH_EVENTS events (default
 * 1,000,000) over BENCH_SUBJECTS subjects (default a tenth of that), into the embedded read
 * store and, when MONGODB_URL is set or BENCH_FERRETDB names a FerretDB binary (started on
 * BENCH_FERRETDB_PORT, default 27243), into MongoDB. Each rebuild runs in a child
 * process whose RSS is sampled from here every 100 ms. Prints a table, writes JSON results.
 * Usage: BENCH_EVENTS=100000 npm run bench:rebuild
 * Targets (issue 8): embedded >= 50,000 events/s, peak RSS <= 300 MB.
 */
const events = Number(process.env['BENCH_EVENTS'] ?? process.argv[2] ?? 1_000_000);
const subjects = Number(process.env['BENCH_SUBJECTS'] ?? Math.max(1, Math.round(events / 10)));
const before = machine();
const log = await ensureLog('bench/.cache', events, subjects);
if (log.generated)
  console.log(`generated ${events} events over ${subjects} subjects in ${log.generateSeconds} s (cached in ${log.dataDir})`);

const targets: { readStore: string; url?: string; version?: string; stop?: () => Promise<void> }[] = [{ readStore: 'sqlite' }];
const mongoUrl = process.env['MONGODB_URL'];
const ferretBinary = process.env['BENCH_FERRETDB'];
if (mongoUrl !== undefined && mongoUrl !== '') targets.push({ readStore: 'mongodb', url: mongoUrl });
else if (ferretBinary !== undefined && ferretBinary !== '') {
  const ferret = await startFerretDb(ferretBinary, Number(process.env['BENCH_FERRETDB_PORT'] ?? 27_243));
  targets.push({
    readStore: `mongodb (FerretDB ${ferret.version}, SQLite backend)`,
    url: ferret.url,
    version: ferret.version,
    stop: ferret.stop,
  });
}

const rows = [];
for (const target of targets) {
  console.log(`rebuilding into ${target.readStore} ...`);
  try {
    const run = await runMeasured('dist-bench/bench/support/rebuild-child.js', [log.dataDir, ...(target.url ? [target.url] : [])]);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as {
      events: number;
      elapsedMs: number;
      documents: Record<string, number>;
    };
    rows.push({
      readStore: target.readStore,
      events: result.events,
      subjects,
      rebuildSeconds: Number((result.elapsedMs / 1000).toFixed(1)),
      eventsPerSecond: Math.round(result.events / (result.elapsedMs / 1000)),
      peakRssMb: mb(run.peakRss),
      documents: Object.values(result.documents).reduce((a, b) => a + b, 0),
    });
  } finally {
    await target.stop?.();
  }
}
const after = machine();
console.table(rows);
const noisy = before.noisy || after.noisy;
if (noisy)
  console.log(
    `NOISY: load average ${before.loadAverage1m} -> ${after.loadAverage1m} on ${after.cores} cores; do not present these figures as final.`,
  );
const path = writeResults(`rebuild-${events}`, {
  benchmark: 'rebuild',
  events,
  subjects,
  generator: log,
  machine: { ...after, loadAverageBefore: before.loadAverage1m, noisy },
  targets: { eventsPerSecond: 50_000, peakRssMb: 300 },
  rows,
  at: new Date().toISOString(),
});
console.log(`results: ${path}`);
