import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ensureLog } from './support/generate-log.js';
import { RssSampler, machine, mb, writeResults } from './support/measure.js';

/**
 * Audit-export benchmark: the real built ledger (`node dist/main.js`, so `npm run build` first)
 * started as a child on the generated log (bench/support/generate-log.ts; BENCH_EVENTS, default
 * 1,000,000, over BENCH_SUBJECTS) with the embedded stores, streams `GET /v1/audit/events` with
 * an admin key to a file, and reports events/s and the server's RSS (pidusage every 100 ms):
 * idle (after its read models have caught up, before the request) and peak (during it).
 * The server's read models are kept in the cached data directory, so only the first run waits
 * for them to catch up. Targets (issue 8): >= 200,000 events/s, peak <= idle + 50 MB.
 */
const events = Number(process.env['BENCH_EVENTS'] ?? process.argv[2] ?? 1_000_000);
const subjects = Number(process.env['BENCH_SUBJECTS'] ?? Math.max(1, Math.round(events / 10)));
const before = machine();
const log = await ensureLog('bench/.cache', events, subjects);
if (log.generated)
  console.log(`generated ${events} events over ${subjects} subjects in ${log.generateSeconds} s (cached in ${log.dataDir})`);

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
const port = await freePort();
const apiKey = randomBytes(32).toString('hex');
const { MONGODB_URL: _mongo, EVENTSTORE_CONNECTION_STRING: _esdb, ...env } = process.env;
const server = spawn(process.execPath, ['dist/main.js'], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: {
    ...env,
    NODE_ENV: 'development',
    PORT: String(port),
    HOST: '127.0.0.1',
    LEDGER_DATA_DIR: log.dataDir,
    LEDGER_API_KEYS: JSON.stringify([{ name: 'bench', role: 'admin', tenants: ['*'], key: apiKey }]),
    LEDGER_RATE_LIMIT: '0',
    LEDGER_LOG_LEVEL: 'warn',
    LEDGER_REQUEST_TIMEOUT_MS: '3600000',
  },
});
const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
const stopServer = async () => {
  if (server.exitCode === null) server.kill('SIGTERM');
  await exited;
};

const get = (path: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${apiKey}` } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });

interface Health {
  eventStore: { lastPosition: number };
  projections: { name: string; state: string; position: number }[];
}

const scratch = mkdtempSync(join(tmpdir(), 'ledger-bench-audit-'));
try {
  // Up, and every read model caught up (a first run on a new log projects it all first).
  const waitStarted = Date.now();
  let lastNote = 0;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the ledger exited with ${server.exitCode}`);
    const health = await get('/health').catch(() => null);
    if (health?.status === 200) {
      const body = JSON.parse(health.body) as Health;
      const behind = body.projections.filter((p) => p.position < body.eventStore.lastPosition);
      if (behind.length === 0 && body.projections.every((p) => p.state === 'running')) break;
      if (Date.now() - lastNote > 10_000) {
        lastNote = Date.now();
        console.log(
          `  waiting for the read models: ${Math.min(...body.projections.map((p) => p.position))} of ${body.eventStore.lastPosition}`,
        );
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  console.log(`ledger up and caught up after ${Math.round((Date.now() - waitStarted) / 1000)} s`);

  const sampler = new RssSampler(server.pid!);
  // Idle: a few samples once it is quiet.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  let idle = 0;
  for (let i = 0; i < 10; i++) {
    idle = Math.max(idle, await sampler.sample());
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  sampler.peak = idle;
  sampler.start();

  const file = join(scratch, 'audit-events.ndjson');
  let lines = 0;
  let firstHalfPeak = 0;
  const started = performance.now();
  const status = await new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/audit/events', headers: { authorization: `Bearer ${apiKey}` } }, (res) => {
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
          // Flat means the second half of the stream needs no more memory than the first.
          if (firstHalfPeak === 0 && lines >= events / 2) firstHalfPeak = sampler.peak;
          done(null, chunk);
        },
      });
      pipeline(res, counter, createWriteStream(file)).then(() => resolve(res.statusCode ?? 0), reject);
    });
    req.on('error', reject);
    req.end();
  });
  const seconds = (performance.now() - started) / 1000;
  sampler.stop();
  if (status !== 200) throw new Error(`GET /v1/audit/events answered ${status}`);
  if (lines !== events) throw new Error(`exported ${lines} events, expected ${events}`);

  const after = machine();
  const row = {
    events: lines,
    seconds: Number(seconds.toFixed(1)),
    eventsPerSecond: Math.round(lines / seconds),
    megabytes: mb(statSync(file).size),
    megabytesPerSecond: Math.round(mb(statSync(file).size) / seconds),
    serverIdleRssMb: mb(idle),
    serverPeakRssMb: mb(sampler.peak),
    serverRssGrowthMb: mb(sampler.peak - idle),
    serverPeakFirstHalfMb: mb(firstHalfPeak),
    rssSamples: sampler.count,
  };
  console.table([row]);
  const noisy = before.noisy || after.noisy;
  if (noisy)
    console.log(
      `NOISY: load average ${before.loadAverage1m} -> ${after.loadAverage1m} on ${after.cores} cores; do not present these figures as final.`,
    );
  const path = writeResults(`audit-export-${events}`, {
    benchmark: 'audit-export',
    events,
    subjects,
    generator: log,
    machine: { ...after, loadAverageBefore: before.loadAverage1m, noisy },
    targets: { eventsPerSecond: 200_000, serverRssGrowthMb: 50 },
    row,
    at: new Date().toISOString(),
  });
  console.log(`results: ${path}`);
} finally {
  await stopServer();
  rmSync(scratch, { recursive: true, force: true });
}
