import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import pidusage from 'pidusage';
import { CommandMix, ERASURE_SYSTEMS } from './support/command-mix.js';
import { LEDGER_SCRIPT } from './support/bench-ledger.js';
import { envList, envNumber, machine } from './support/load.js';
import { freePort, startServer, type ServerProcess } from './support/server-process.js';

/**
 * Scale-out benchmark (issue 17): the production layout of docs/deployment.md on this machine,
 * with 1, 2 and 3 `LEDGER_ROLE=api` instances in front of one EventStoreDB and one MongoDB, and
 * one `LEDGER_ROLE=projector`. For each instance count, a fresh cluster:
 *
 * - the EventStoreDB protocol test server (test/esdb/, the cluster tier's server: an in-memory
 *   gRPC server speaking EventStoreDB's protocol, not EventStoreDB itself) as a child process;
 * - MONGODB_URL's server (run under `.ci/with-ferretdb`: FerretDB on PostgreSQL 15), a fresh
 *   database per cluster;
 * - the built ledger (`node dist/main.js`) as api instances and one projector.
 *
 * The command mix of bench:commands (consents, transfers, withdrawals, erasure confirmations;
 * every command valid for its subject) is spread over the instances: one autocannon client per
 * instance with an equal share of BENCH_CONNECTIONS, all from this process and drawing from one
 * mix. Reported per instance count: commands/s, p50/p99 over every answer, errors, and CPU per
 * command (user + system time over the measured window, from /proc): of the api instances
 * together, of the projector, of the EventStoreDB test server, and of the whole machine (every
 * process, the stores, PostgreSQL and the load generator included: on 2 cores that is what
 * bounds throughput), the write path's state cache hit ratio and its expected-revision
 * conflicts over the instances (from their /metrics).
 *
 * Usage: npm run build && .ci/with-ferretdb npm run bench:cluster
 *   BENCH_API_INSTANCES=1,2,3   BENCH_CONNECTIONS=48   BENCH_DURATION=20   BENCH_WARMUP=5
 *   BENCH_SUBJECTS=10000        BENCH_LOG_LEVEL=info
 */
const ROOT = resolve(import.meta.dirname, '../..');
const TS_LOADER = resolve(ROOT, 'test/support/ts-loader/register.mjs');
const instanceCounts = envList('BENCH_API_INSTANCES', [1, 2, 3]);
const connections = envNumber('BENCH_CONNECTIONS', 48);
const seconds = envNumber('BENCH_DURATION', 20);
const warmup = envNumber('BENCH_WARMUP', 5);
const subjects = envNumber('BENCH_SUBJECTS', 10_000);
const logLevel = process.env['BENCH_LOG_LEVEL'] ?? 'info';
const mongodbUrl = process.env['MONGODB_URL'];
if (mongodbUrl === undefined || mongodbUrl === '') throw new Error('set MONGODB_URL (run under .ci/with-ferretdb)');

/** Starts the EventStoreDB protocol test server as a child; resolves with its connection string. */
const startEventStore = async (): Promise<{ child: ChildProcess; connectionString: string }> => {
  const child = spawn(process.execPath, ['--import', TS_LOADER, resolve(ROOT, 'test/cluster/support/esdb-server.main.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const connectionString = await new Promise<string>((done, fail) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = /listening on (esdb:\/\/\S+)/.exec(output);
      if (found?.[1]) done(found[1]);
    });
    child.once('exit', (code) => fail(new Error(`the EventStoreDB test server exited (${code}) before it listened`)));
  });
  return { child, connectionString };
};

/** Whole-machine busy CPU time so far in ms (/proc/stat: all cores, every process; steal not counted). */
const machineCpuMs = (): number => {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq] = fields;
  return (user! + nice! + system! + irq! + softirq!) * 10;
};
const cpuMs = async (pids: number[]): Promise<number> => {
  let total = 0;
  for (const pid of pids) total += (await pidusage(pid)).ctime;
  return total;
};

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

interface Row {
  apiInstances: number;
  connections: number;
  'commands/s': number;
  'p50 ms': number;
  'p99 ms': number;
  errors: number;
  'CPU ms/cmd: apis': number;
  'CPU ms/cmd: projector': number;
  'CPU ms/cmd: EventStoreDB server': number;
  'CPU ms/cmd: whole machine': number;
  'state cache hit %': number;
  'append conflicts': number;
  'load 1m': number;
}

const runCluster = async (apiInstances: number): Promise<Row> => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const apiKey = `bench-${randomUUID()}`;
  const opsKey = `bench-ops-${randomUUID()}`;
  /** The write path's counters, summed over the api instances. */
  const counters = async (apis: ServerProcess[]) => {
    const sums = { hits: 0, misses: 0, conflicts: 0 };
    for (const api of apis) {
      const text = await (await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${opsKey}` } })).text();
      const value = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN);
      sums.hits += value('ledger_state_cache_hits_total');
      sums.misses += value('ledger_state_cache_misses_total');
      sums.conflicts += value('ledger_append_conflicts_total');
    }
    return sums;
  };
  const database = `bench_cluster_${randomUUID().slice(0, 8)}`;
  const url = new URL(mongodbUrl);
  url.pathname = `/${database}`;
  const eventStore = await startEventStore();
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];
  const start = async (role: 'api' | 'projector') => {
    const dataDir = mkdtempSync(join(tmpdir(), `ledger-bench-cluster-${role}-`));
    dirs.push(dataDir);
    const port = await freePort();
    const server = await startServer(
      LEDGER_SCRIPT,
      {
        PORT: String(port),
        HOST: '127.0.0.1',
        LEDGER_ROLE: role,
        LEDGER_DATA_DIR: dataDir,
        EVENTSTORE_CONNECTION_STRING: eventStore.connectionString,
        MONGODB_URL: url.toString(),
        LEDGER_API_KEYS: JSON.stringify([
          { name: 'bench-service', role: 'service', tenants: ['*'], key: apiKey },
          { name: 'bench-ops', role: 'admin', tenants: ['*'], key: opsKey },
        ]),
        LEDGER_RATE_LIMIT: '0',
        LEDGER_MASTER_KEY: masterKey,
        LEDGER_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        LEDGER_ERASURE_SYSTEMS: ERASURE_SYSTEMS.join(','),
        LEDGER_LOG_LEVEL: logLevel,
      },
      '/health/live',
      port,
    );
    servers.push(server);
    return server;
  };
  const masterKey = randomBytes(32).toString('base64');
  try {
    const projector = await start('projector');
    const apis: ServerProcess[] = [];
    for (let i = 0; i < apiInstances; i++) apis.push(await start('api'));
    const mix = new CommandMix(subjects, 4);
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` };
    const drive = async (duration: number) => {
      mix.startRun(connections);
      const latencies: number[] = [];
      const results = await Promise.all(
        apis.map((api, i) => {
          const share = Math.floor(connections / apiInstances) + (i < connections % apiInstances ? 1 : 0);
          const instance = autocannon({ url: api.url, connections: share, duration, timeout: 10, headers, requests: [mix.request()] });
          instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
          return instance;
        }),
      );
      mix.endRun();
      const requests = results.reduce((sum, r) => sum + r['2xx'] + r.non2xx, 0);
      const errors = results.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0);
      return { requests, errors, latencies: latencies.sort((a, b) => a - b), duration: Math.max(...results.map((r) => r.duration)) };
    };
    await drive(warmup);
    const apiPids = apis.map((a) => a.pid);
    const before = {
      apis: await cpuMs(apiPids),
      projector: await cpuMs([projector.pid]),
      eventStore: await cpuMs([eventStore.child.pid!]),
      machine: machineCpuMs(),
    };
    const countersBefore = await counters(apis);
    const run = await drive(seconds);
    const countersAfter = await counters(apis);
    const after = {
      apis: await cpuMs(apiPids),
      projector: await cpuMs([projector.pid]),
      eventStore: await cpuMs([eventStore.child.pid!]),
      machine: machineCpuMs(),
    };
    pidusage.clear();
    const per = (ms: number) => Number((ms / Math.max(1, run.requests)).toFixed(3));
    const row: Row = {
      apiInstances,
      connections,
      'commands/s': Math.round(run.requests / run.duration),
      'p50 ms': percentile(run.latencies, 50),
      'p99 ms': percentile(run.latencies, 99),
      errors: run.errors,
      'CPU ms/cmd: apis': per(after.apis - before.apis),
      'CPU ms/cmd: projector': per(after.projector - before.projector),
      'CPU ms/cmd: EventStoreDB server': per(after.eventStore - before.eventStore),
      'CPU ms/cmd: whole machine': per(after.machine - before.machine),
      'state cache hit %': Math.round(
        (100 * (countersAfter.hits - countersBefore.hits)) /
          Math.max(1, countersAfter.hits - countersBefore.hits + countersAfter.misses - countersBefore.misses),
      ),
      'append conflicts': countersAfter.conflicts - countersBefore.conflicts,
      'load 1m': Number((await machine()).loadAverage[0]!.toFixed(2)),
    };
    console.log(JSON.stringify(row));
    if (run.errors > 0) console.log('failures:', mix.counts.failures);
    return row;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    eventStore.child.kill('SIGTERM');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
};

const machineBefore = await machine();
console.log(
  `cluster benchmark: ${instanceCounts.join(', ')} api instances + 1 projector, ${connections} connections, ${seconds} s each ` +
    `(warm-up ${warmup} s); load average ${machineBefore.loadAverage.join(' ')}`,
);
const rows: Row[] = [];
for (const n of instanceCounts) rows.push(await runCluster(n));
console.table(rows);
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/cluster-commands.json',
  `${JSON.stringify(
    {
      benchmark: 'cluster-commands',
      at: new Date().toISOString(),
      machine: { ...machineBefore, loadAverageAfter: (await machine()).loadAverage },
      config: {
        connections,
        secondsPerRun: seconds,
        warmupSeconds: warmup,
        subjects,
        ledgerLogLevel: logLevel,
        eventStore: 'EventStoreDB protocol test server (test/esdb/), one child process',
        readStore: 'MONGODB_URL (FerretDB 1.24 on PostgreSQL 15 under .ci/with-ferretdb)',
        projectors: 1,
      },
      rows,
    },
    null,
    2,
  )}\n`,
);
console.log('wrote bench/results/cluster-commands.json');
