import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { RequestDefinition } from 'autocannon';
import { CommandMix, CYCLE, MIX } from './support/command-mix.js';
import { startBenchLedger } from './support/bench-ledger.js';
import { envList, envNumber, machine, runLoad, type LoadRow } from './support/load.js';
import { freePort, startServer } from './support/server-process.js';

/**
 * Commands benchmark (issue 8): the real built ledger (`node dist/main.js`, embedded stores,
 * events committed with synchronous=FULL) driven by autocannon with the command mix
 * (consents 40%, transfers 40%, withdrawals 15%, erasure confirmations 5%) over 10,000
 * subjects, at 1, 10 and 50 connections; then, in the same run, the bare baseline (NestJS
 * on Fastify, the consent route's DTO validation, no storage) at the same connections.
 * Every request is valid for its subject's state (support/command-mix.ts), so every
 * non-2xx answer is an error of the ledger. Prints a table, writes bench/results/commands.json.
 *
 * Usage: npm run bench:commands
 *   BENCH_DURATION=20        seconds per connection count
 *   BENCH_CONNECTIONS=1,10,50
 *   BENCH_WARMUP=5           seconds of unrecorded load first (JIT, and open erasures to confirm)
 *   BENCH_SUBJECTS=10000     BENCH_TENANTS=4
 *   BENCH_LOG_LEVEL=info     the ledger's LEDGER_LOG_LEVEL (its default; `warn` drops request logs)
 */
const seconds = envNumber('BENCH_DURATION', 20);
const connectionCounts = envList('BENCH_CONNECTIONS', [1, 10, 50]);
const warmup = envNumber('BENCH_WARMUP', 5);
const subjects = envNumber('BENCH_SUBJECTS', 10_000);
const tenants = envNumber('BENCH_TENANTS', 4);
const TARGETS = { ratioAtMax: 0.5, p99Ms: 25, errors: 0 } as const;

const machineBefore = await machine();
console.log(`commands benchmark: ${connectionCounts.join(', ')} connections, ${seconds} s each (warm-up ${warmup} s), ${subjects} subjects`);
console.log(`mix cycle: ${CYCLE.join(' ')}`);

// --- the ledger ---------------------------------------------------------------------------
const ledger = await startBenchLedger();
const mix = new CommandMix(subjects, tenants);
const ledgerRows: (LoadRow & { mix: CommandMix['counts']; cutOff: number })[] = [];
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
  return { ...row, mix: mix.counts, cutOff };
};
try {
  const warm = await ledgerRun(Math.min(10, Math.max(...connectionCounts)), warmup);
  console.log(`ledger warm-up: ${warm.requests} requests, ${warm.non2xx} non-2xx`);
  for (const connections of connectionCounts) {
    const row = await ledgerRun(connections, seconds);
    ledgerRows.push(row);
    console.log(`ledger   ${connections} connections: ${row.requestsPerSecond} req/s, p99 ${row.p99Ms} ms, ${row.non2xx} non-2xx`);
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

// --- the baseline -------------------------------------------------------------------------
const baselinePort = await freePort();
const baseline = await startServer('dist-bench/bench/baseline/main.js', { PORT: String(baselinePort) }, '/', baselinePort);
const baselineRows: LoadRow[] = [];
let n = 0;
const consent: RequestDefinition = {
  method: 'POST',
  // The same body as the ledger's consents, for a new subject each time (the routing and
  // validation work is the same; nothing is stored).
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
try {
  const base = { url: baseline.url, headers: { 'content-type': 'application/json' }, requests: [consent], serverPid: baseline.pid };
  await runLoad({ ...base, connections: Math.min(10, Math.max(...connectionCounts)), seconds: warmup });
  for (const connections of connectionCounts) {
    const row = await runLoad({ ...base, connections, seconds });
    baselineRows.push(row);
    console.log(`baseline ${connections} connections: ${row.requestsPerSecond} req/s, p99 ${row.p99Ms} ms, ${row.non2xx} non-2xx`);
  }
} finally {
  await baseline.stop();
}

// --- report -------------------------------------------------------------------------------
const ratios = ledgerRows.map((row, i) => ({
  connections: row.connections,
  ratio: Number((row.requestsPerSecond / Math.max(1, baselineRows[i]?.requestsPerSecond ?? 0)).toFixed(2)),
}));
const maxConnections = Math.max(...connectionCounts);
const atMax = ledgerRows.find((row) => row.connections === maxConnections);
const ratioAtMax = ratios.find((r) => r.connections === maxConnections)?.ratio ?? 0;
const errorsOf = (row: LoadRow) => row.non2xx + row.socketErrors;
const targets = {
  [`ratio at ${maxConnections} connections >= ${TARGETS.ratioAtMax}`]: ratioAtMax >= TARGETS.ratioAtMax,
  [`p99 at ${maxConnections} connections <= ${TARGETS.p99Ms} ms`]: (atMax?.p99Ms ?? Infinity) <= TARGETS.p99Ms,
  'zero errors (non-2xx, timeouts, socket errors) at every connection count': ledgerRows.every((row) => errorsOf(row) === TARGETS.errors),
  'every acknowledged event is in the log (synchronous=FULL)': durabilityCheck.holds,
};

console.table(
  ledgerRows.map((row, i) => ({
    connections: row.connections,
    'ledger req/s': row.requestsPerSecond,
    'ledger p50 ms': row.p50Ms,
    'ledger p99 ms': row.p99Ms,
    'ledger errors': errorsOf(row),
    'baseline req/s': baselineRows[i]?.requestsPerSecond,
    'baseline p50 ms': baselineRows[i]?.p50Ms,
    'baseline p99 ms': baselineRows[i]?.p99Ms,
    'baseline errors': baselineRows[i] && errorsOf(baselineRows[i]),
    'ledger/baseline': ratios[i]?.ratio,
  })),
);
for (const row of ledgerRows) {
  if (errorsOf(row) > 0) console.log(`errors at ${row.connections} connections:`, row.mix.failures, { timeouts: row.timeouts, socketErrors: row.socketErrors });
}
console.table(Object.entries(targets).map(([target, met]) => ({ target, met })));
console.log('durability check:', durabilityCheck);

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
    durability: 'embedded SQLite, WAL, synchronous=FULL for events (src/platform/sqlite/sqlite-file.ts)',
    loadGenerator: 'autocannon, same machine, pipelining 1, timeout 10 s',
  },
  ledger: ledgerRows,
  baseline: baselineRows,
  ratios,
  targets,
  durabilityCheck,
  subjectsAfter: mix.summary(),
};
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/commands.json', `${JSON.stringify(results, null, 2)}\n`);
console.log('wrote bench/results/commands.json');
