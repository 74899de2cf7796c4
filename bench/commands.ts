import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { RequestDefinition } from 'autocannon';
import { CommandMix, CYCLE, MIX } from './support/command-mix.js';
import { startBenchLedger } from './support/bench-ledger.js';
import { envList, envNumber, machine, runLoad, type LoadRow } from './support/load.js';
import { freePort, startServer, type ServerProcess } from './support/server-process.js';

/**
 * Commands benchmark (issue 13): three servers in one run, each driven by autocannon from this
 * process at every connection count (default 1 and 50):
 *
 * - baseline: NestJS on Fastify with the consent route's DTO validation, nothing stored
 *   (bench/baseline/, no BASELINE_APPEND_TO);
 * - store ceiling: the same route plus one durable append per request to SQLite (WAL,
 *   synchronous=FULL, UNIQUE(stream, stream_position), a row of about 450 bytes), group-committed
 *   by the ledger's own SqliteGroupCommitter, answered after its COMMIT (bench/baseline/
 *   durable-append.ts): what storage alone costs, without hashing, sealing or deciding;
 * - ledger: the real built ledger (`node dist/main.js`, LEDGER_ROLE=all, embedded stores, events
 *   committed with synchronous=FULL, projections in the projector worker thread) with the
 *   command mix (consents 40%, transfers 40%, withdrawals 15%, erasure confirmations 5%) over
 *   10,000 subjects; every request is valid for its subject's state (support/command-mix.ts),
 *   so every non-2xx answer is an error of the ledger.
 *
 * For each: requests/s, p50/p99, errors, and the server process's CPU time per request (user +
 * system of all its threads from /proc/<pid>/stat over the measured window; the ledger's
 * projector worker counts). After the ledger stops, every event a 2xx reported must be in its
 * log; after the ceiling stops, every 2xx's row must be in its file. Prints one table, writes
 * bench/results/commands.json. About 3 minutes with the defaults.
 *
 * Usage: npm run bench:commands
 *   BENCH_DURATION=20        seconds per server and connection count
 *   BENCH_CONNECTIONS=1,50
 *   BENCH_WARMUP=5           seconds of unrecorded load per server first (JIT; open erasures to confirm)
 *   BENCH_SUBJECTS=10000     BENCH_TENANTS=4
 *   BENCH_LOG_LEVEL=info     the ledger's LEDGER_LOG_LEVEL (its default; `warn` drops request logs)
 */
const seconds = envNumber('BENCH_DURATION', 20);
const connectionCounts = envList('BENCH_CONNECTIONS', [1, 50]);
const warmup = envNumber('BENCH_WARMUP', 5);
const subjects = envNumber('BENCH_SUBJECTS', 10_000);
const tenants = envNumber('BENCH_TENANTS', 4);
const TARGETS = { ratioAtMax: 0.5, p99Ms: 25, errors: 0, p50AtOneMs: 3 } as const;
const maxConnections = Math.max(...connectionCounts);
const warmupConnections = Math.min(10, maxConnections);

type Server = 'baseline' | 'store ceiling' | 'ledger';
const rows: (LoadRow & { server: Server })[] = [];
const record = (server: Server, row: LoadRow) => {
  rows.push({ server, ...row });
  console.log(
    `${server.padEnd(13)} ${String(row.connections).padStart(2)} connections: ${row.requestsPerSecond} req/s, p50 ${row.p50Ms} ms, ` +
      `p99 ${row.p99Ms} ms, ${errorsOf(row)} errors, ${row.cpuMsPerRequest} ms CPU/request, load ${row.loadAverage1m}`,
  );
};
const errorsOf = (row: LoadRow) => row.non2xx + row.socketErrors;

const machineBefore = await machine();
console.log(
  `commands benchmark: baseline, store ceiling and ledger at ${connectionCounts.join(', ')} connections, ${seconds} s each ` +
    `(warm-up ${warmup} s at ${warmupConnections}), ${subjects} subjects; load average ${machineBefore.loadAverage.join(' ')}`,
);
console.log(`ledger mix cycle: ${CYCLE.join(' ')}`);

// --- baseline and store ceiling: the same route, a new subject per request ----------------
let n = 0;
const consent: RequestDefinition = {
  method: 'POST',
  // The same body as the ledger's consents (the routing and validation work is the same).
  setupRequest: (request) => ({
    ...request,
    path: `/v1/tenants/bench-${n % tenants}/subjects/s-${randomUUID()}/consents`,
    body: JSON.stringify({
      purposes: ['crm-access', 'usage-analytics', 'call-analytics'],
      policyVersion: '2024-06',
      channel: 'web',
      subjectType: 'end-user',
      evidence: { ipAddress: `203.0.113.${n % 250}`, userAgent: 'Mozilla/5.0 (X11; Linux x86_64)', contact: `user${n++}@example.com` },
    }),
  }),
};
const driveEcho = async (server: Server, child: ServerProcess) => {
  const base = { url: child.url, headers: { 'content-type': 'application/json' }, requests: [consent], serverPid: child.pid };
  let acknowledged = 0;
  try {
    const warm = await runLoad({ ...base, connections: warmupConnections, seconds: warmup });
    acknowledged += warm.requests - warm.non2xx;
    for (const connections of connectionCounts) {
      const row = await runLoad({ ...base, connections, seconds });
      acknowledged += row.requests - row.non2xx;
      record(server, row);
    }
  } finally {
    await child.stop();
  }
  return acknowledged;
};

const baselinePort = await freePort();
await driveEcho('baseline', await startServer('dist-bench/bench/baseline/main.js', { PORT: String(baselinePort) }, '/', baselinePort));

const ceilingDir = mkdtempSync(join(tmpdir(), 'ledger-bench-ceiling-'));
const ceilingPort = await freePort();
const ceilingFile = join(ceilingDir, 'log.sqlite');
const ceilingAcknowledged = await driveEcho(
  'store ceiling',
  await startServer('dist-bench/bench/baseline/main.js', { PORT: String(ceilingPort), BASELINE_APPEND_TO: ceilingFile }, '/', ceilingPort),
);
const ceilingLog = new Database(ceilingFile, { readonly: true });
const ceilingStored = ceilingLog
  .prepare(
    `SELECT COUNT(*) AS rows, AVG(length(stream) + 8 + length(id) + length(type) + length(data) + length(metadata) + length(recorded_at)) AS bytes
     FROM events`,
  )
  .get() as { rows: number; bytes: number };
ceilingLog.close();
rmSync(ceilingDir, { recursive: true, force: true });
const ceilingCheck = {
  acknowledgedAppends: ceilingAcknowledged,
  storedRows: ceilingStored.rows,
  averageRowBytes: Math.round(ceilingStored.bytes),
  // Requests cut off by the end of a run may have committed unanswered: never fewer rows.
  holds: ceilingStored.rows >= ceilingAcknowledged,
};

// --- the ledger ---------------------------------------------------------------------------
const ledger = await startBenchLedger();
const mix = new CommandMix(subjects, tenants);
const mixes: { connections: number; mix: CommandMix['counts']; cutOff: number }[] = [];
let acknowledgedEvents = 0;
let cutOffTotal = 0;
const ledgerRun = async (connections: number, duration: number) => {
  mix.startRun(connections);
  const row = await runLoad({
    url: ledger.server.url,
    connections,
    seconds: duration,
    headers: ledger.headers,
    requests: [mix.request()],
    serverPid: ledger.server.pid,
  });
  const cutOff = mix.endRun();
  acknowledgedEvents += mix.counts.events;
  cutOffTotal += cutOff;
  return { row, counts: mix.counts, cutOff };
};
try {
  const warm = await ledgerRun(warmupConnections, warmup);
  console.log(`ledger warm-up: ${warm.row.requests} requests, ${warm.row.non2xx} non-2xx`);
  for (const connections of connectionCounts) {
    const { row, counts, cutOff } = await ledgerRun(connections, seconds);
    record('ledger', row);
    mixes.push({ connections, mix: counts, cutOff });
    if (errorsOf(row) > 0) console.log(`ledger errors at ${connections} connections:`, counts.failures, { timeouts: row.timeouts });
  }
} finally {
  await ledger.server.stop();
}

// Acknowledged means stored: every event a 2xx reported must be in the log after the server
// stopped. Requests cut off by the end of a run may have committed without our hearing it, so
// the log may hold up to two events more per cut-off request, never fewer than acknowledged.
const log = new Database(join(ledger.dataDir, 'events.sqlite'), { readonly: true });
const storedEvents = (log.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
log.close();
rmSync(ledger.dataDir, { recursive: true, force: true });
const durabilityCheck = {
  acknowledgedEvents,
  storedEvents,
  requestsCutOffByRunEnd: cutOffTotal,
  holds: storedEvents >= acknowledgedEvents && storedEvents <= acknowledgedEvents + 2 * cutOffTotal,
};

// --- report -------------------------------------------------------------------------------
const find = (server: Server, connections: number) => rows.find((r) => r.server === server && r.connections === connections);
const table = connectionCounts.flatMap((connections) => {
  const baseline = find('baseline', connections);
  return (['baseline', 'store ceiling', 'ledger'] as const).flatMap((server) => {
    const row = find(server, connections);
    if (row === undefined) return [];
    return [
      {
        server,
        connections,
        'req/s': row.requestsPerSecond,
        'x baseline': Number((row.requestsPerSecond / Math.max(1, baseline?.requestsPerSecond ?? 0)).toFixed(2)),
        'p50 ms': row.p50Ms,
        'p99 ms': row.p99Ms,
        errors: errorsOf(row),
        'CPU ms/req': row.cpuMsPerRequest,
        'CPU x baseline': Number((row.cpuMsPerRequest / Math.max(0.001, baseline?.cpuMsPerRequest ?? 0)).toFixed(1)),
        'CPU %': row.serverCpuPercent,
        'load 1m': row.loadAverage1m,
      },
    ];
  });
});
const ledgerAtMax = find('ledger', maxConnections);
const ratioAtMax = table.find((r) => r.server === 'ledger' && r.connections === maxConnections)?.['x baseline'] ?? 0;
const ledgerAtOne = find('ledger', 1);
const targets = {
  [`ledger >= ${TARGETS.ratioAtMax}x the baseline at ${maxConnections} connections`]: ratioAtMax >= TARGETS.ratioAtMax,
  [`ledger p99 <= ${TARGETS.p99Ms} ms at ${maxConnections} connections`]: (ledgerAtMax?.p99Ms ?? Infinity) <= TARGETS.p99Ms,
  ...(ledgerAtOne && { [`ledger p50 <= ${TARGETS.p50AtOneMs} ms at 1 connection`]: ledgerAtOne.p50Ms <= TARGETS.p50AtOneMs }),
  'ledger: zero errors (non-2xx, timeouts, socket errors) at every connection count': rows
    .filter((r) => r.server === 'ledger')
    .every((r) => errorsOf(r) === TARGETS.errors),
  'ledger: every acknowledged event is in the log (synchronous=FULL)': durabilityCheck.holds,
};

console.log(
  '\nbaseline: NestJS + Fastify + class-validator, nothing stored. store ceiling: the same plus one group-committed\n' +
    `append per request to SQLite (WAL, synchronous=FULL, ~${ceilingCheck.averageRowBytes}-byte rows). ledger: node dist/main.js, ` +
    'LEDGER_ROLE=all, the command mix.\nCPU ms/req: user + system time of every thread of the server process over the run, per request.',
);
console.table(table);
console.table(Object.entries(targets).map(([target, met]) => ({ target, met })));
console.log('ledger durability check:', durabilityCheck);
console.log('store ceiling durability check:', ceilingCheck);

const versions = Object.fromEntries(
  ['@nestjs/core', '@nestjs/platform-fastify', 'fastify', 'class-validator', 'better-sqlite3', 'autocannon'].map((name) => [
    name,
    (JSON.parse(readFileSync(join('node_modules', name, 'package.json'), 'utf8')) as { version: string }).version,
  ]),
);
const results = {
  benchmark: 'commands',
  at: new Date().toISOString(),
  machine: { ...machineBefore, loadAverageAfter: (await machine()).loadAverage },
  versions,
  config: {
    secondsPerRun: seconds,
    warmupSeconds: warmup,
    connections: connectionCounts,
    subjects,
    tenants,
    mix: MIX,
    cycle: CYCLE,
    ledgerLogLevel: ledger.logLevel,
    ledgerRole: 'all (projections in the projector worker thread)',
    durability: 'embedded SQLite, WAL, synchronous=FULL for events (src/platform/sqlite/sqlite-file.ts)',
    storeCeiling:
      'bench/baseline with BASELINE_APPEND_TO: one append per request through src/platform/sqlite/sqlite-group-commit.ts, WAL, synchronous=FULL, UNIQUE(stream, stream_position)',
    cpuTime: 'utime + stime of the server process (all threads) from /proc/<pid>/stat via pidusage, before and after each run',
    loadGenerator: 'autocannon, same machine, pipelining 1, timeout 10 s',
  },
  table,
  // Per server, as bench/chart.ts and bench/soak.ts read them.
  ledger: rows.filter((r) => r.server === 'ledger'),
  storeCeiling: rows.filter((r) => r.server === 'store ceiling'),
  baseline: rows.filter((r) => r.server === 'baseline'),
  ledgerMix: mixes,
  targets,
  durabilityCheck,
  ceilingCheck,
  subjectsAfter: mix.summary(),
};
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/commands.json', `${JSON.stringify(results, null, 2)}\n`);
console.log('wrote bench/results/commands.json');
