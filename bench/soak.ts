import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { CommandMix } from './support/command-mix.js';
import { startBenchLedger } from './support/bench-ledger.js';
import { envNumber, machine, runLoad } from './support/load.js';

/**
 * Soak (issue 8): the commands benchmark's mix against the real built ledger at a fixed rate
 * for 10 minutes, recording the server's RSS and the p99 latency of every 10 s window.
 *
 * Flat, precisely: with the windows split in thirds, the median of the last third is within
 * FLAT_RSS (10%) of the first third's for RSS, and within FLAT_P99 (25%, or 2 ms, whichever
 * is larger: single-digit p99s move by a millisecond on their own) for p99. The first
 * window is left out (start-up, JIT). The achieved rate must also be within 5% of the
 * target rate, and no request may fail: a server that falls behind is not "flat".
 *
 * Usage: npm run bench:soak
 *   BENCH_SOAK_RATE       requests/s (default: half the highest ledger req/s in bench/results/commands.json)
 *   BENCH_SOAK_SECONDS=600
 *   BENCH_SOAK_CONNECTIONS=10  (enough for the rate; the rate, not the connections, sets the load)
 */
const WINDOW_SECONDS = 10;
const FLAT_RSS = 0.1;
const FLAT_P99 = 0.25;
const FLAT_P99_MS = 2;

const rate = Math.round(envNumber('BENCH_SOAK_RATE', halfOfMeasuredMax()));
const seconds = envNumber('BENCH_SOAK_SECONDS', 600);
const connections = envNumber('BENCH_SOAK_CONNECTIONS', 10);
const subjects = envNumber('BENCH_SUBJECTS', 10_000);

function halfOfMeasuredMax(): number {
  const path = 'bench/results/commands.json';
  if (!existsSync(path)) throw new Error(`set BENCH_SOAK_RATE, or run \`npm run bench:commands\` first (${path} is missing)`);
  const results = JSON.parse(readFileSync(path, 'utf8')) as { ledger: { requestsPerSecond: number }[] };
  return Math.max(...results.ledger.map((row) => row.requestsPerSecond)) / 2;
}

interface Window {
  readonly endsAtSecond: number;
  readonly requests: number;
  readonly errors: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly rssMb: number;
  readonly cpuPercent: number;
}

const percentile = (sorted: readonly number[], q: number): number =>
  sorted.length === 0 ? 0 : Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1));
const median = (values: readonly number[]): number =>
  percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

console.log(`soak: ${rate} req/s for ${seconds} s over ${connections} connections, ${subjects} subjects`);
const machineBefore = await machine();
const ledger = await startBenchLedger();
const mix = new CommandMix(subjects, 4);
mix.startRun(connections);
const windows: Window[] = [];
let latencies: number[] = [];
let errors = 0;
let cpu: number[] = [];
let rss = 0;
let elapsed = 0;
const closeWindow = () => {
  elapsed += WINDOW_SECONDS;
  const sorted = latencies.sort((a, b) => a - b);
  const window = {
    endsAtSecond: elapsed,
    requests: sorted.length,
    errors,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    rssMb: Math.round(rss),
    cpuPercent: Math.round(cpu.reduce((a, b) => a + b, 0) / Math.max(1, cpu.length)),
  };
  windows.push(window);
  console.log(
    `${String(window.endsAtSecond).padStart(5)} s  ${window.requests / WINDOW_SECONDS} req/s  p99 ${window.p99Ms} ms  RSS ${window.rssMb} MB  errors ${errors}`,
  );
  latencies = [];
  errors = 0;
  cpu = [];
};
const ticker = setInterval(closeWindow, WINDOW_SECONDS * 1000);
let total;
try {
  total = await runLoad({
    url: ledger.server.url,
    connections,
    seconds,
    headers: ledger.headers,
    requests: [mix.request()],
    serverPid: ledger.server.pid,
    overallRate: rate,
    onLatency: (ms, status) => {
      latencies.push(ms);
      if (status < 200 || status >= 300) errors++;
    },
    onSample: (sample) => {
      rss = sample.rssMb;
      cpu.push(sample.cpu);
    },
  });
} finally {
  clearInterval(ticker);
  await ledger.server.stop();
  rmSync(ledger.dataDir, { recursive: true, force: true });
}
mix.endRun();

const steady = windows.slice(1).filter((w) => w.requests > 0);
const third = Math.max(1, Math.floor(steady.length / 3));
const first = steady.slice(0, third);
const last = steady.slice(-third);
const rssFirst = median(first.map((w) => w.rssMb));
const rssLast = median(last.map((w) => w.rssMb));
const p99First = median(first.map((w) => w.p99Ms));
const p99Last = median(last.map((w) => w.p99Ms));
const achieved = Math.round(total.requests / total.seconds);
const verdict = {
  rule: `last-third median vs first-third median (window 1 excluded): RSS within +${FLAT_RSS * 100}%, p99 within +${FLAT_P99 * 100}% or +${FLAT_P99_MS} ms; achieved rate within 5% of target; zero errors`,
  rssFirstThirdMb: rssFirst,
  rssLastThirdMb: rssLast,
  rssFlat: rssLast <= rssFirst * (1 + FLAT_RSS),
  p99FirstThirdMs: p99First,
  p99LastThirdMs: p99Last,
  p99Flat: p99Last <= Math.max(p99First * (1 + FLAT_P99), p99First + FLAT_P99_MS),
  targetRate: rate,
  achievedRate: achieved,
  keptRate: achieved >= rate * 0.95,
  errors: total.non2xx + total.socketErrors,
  failures: mix.counts.failures,
  flat: false,
};
verdict.flat = verdict.rssFlat && verdict.p99Flat && verdict.keptRate && verdict.errors === 0;

console.table(windows);
console.table([verdict].map(({ rule: _rule, failures: _failures, ...figures }) => figures));
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/soak.json',
  `${JSON.stringify(
    {
      benchmark: 'soak',
      at: new Date().toISOString(),
      machine: { ...machineBefore, loadAverageAfter: (await machine()).loadAverage },
      config: { rate, seconds, connections, subjects, windowSeconds: WINDOW_SECONDS, ledgerLogLevel: ledger.logLevel },
      windows,
      total,
      verdict,
    },
    null,
    2,
  )}\n`,
);
console.log(`soak ${verdict.flat ? 'FLAT' : 'NOT FLAT'}; wrote bench/results/soak.json`);
