import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pidusage from 'pidusage';

/** Peak and idle RSS of a process, sampled from outside (pidusage) every `everyMs`. */
export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  private readonly samples: number[] = [];
  peak = 0;

  constructor(
    private readonly pid: number,
    private readonly everyMs = 100,
  ) {}

  start(): this {
    this.timer = setInterval(() => void this.sample(), this.everyMs);
    return this;
  }

  /** One sample now (also usable to read the idle RSS before the work starts). */
  async sample(): Promise<number> {
    try {
      const { memory } = await pidusage(this.pid);
      this.samples.push(memory);
      this.peak = Math.max(this.peak, memory);
      return memory;
    } catch {
      return 0; // the process has exited
    }
  }

  stop(): void {
    clearInterval(this.timer);
    pidusage.clear();
  }

  get count(): number {
    return this.samples.length;
  }
}

export const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);

/**
 * The machine and how busy it was: a run on a machine whose load average exceeds half its
 * cores is marked noisy, and its figures are not to be presented as final.
 */
export const machine = () => {
  const [load1] = loadavg();
  const cores = cpus().length;
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverage1m: Number((load1 ?? 0).toFixed(2)),
    noisy: (load1 ?? 0) > cores / 2,
  };
};

export const writeResults = (name: string, results: unknown): string => {
  mkdirSync('bench/results', { recursive: true });
  const path = join('bench/results', `${name}.json`);
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  return path;
};

/** A FerretDB (SQLite backend) of our own on a scratch directory, for BENCH_FERRETDB=<binary>. */
export const startFerretDb = async (binary: string, port: number): Promise<{ url: string; version: string; stop: () => Promise<void> }> => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-ferretdb-'));
  mkdirSync(join(dir, 'data'));
  const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).split('\n')[0]?.replace('version: ', '') ?? 'unknown';
  const child: ChildProcess = spawn(
    binary,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${dir}/data/`,
      `--state-dir=${dir}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=WARN',
    ],
    { stdio: 'ignore' },
  );
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return {
    url: `mongodb://127.0.0.1:${port}/ledger`,
    version,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

/** Runs `node script args`, sampling its RSS; resolves with its stdout and the peak RSS. */
export const runMeasured = (script: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env) =>
  new Promise<{ stdout: string; peakRss: number; elapsedMs: number }>((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env });
    const sampler = new RssSampler(child.pid!).start();
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      sampler.stop();
      if (code !== 0) reject(new Error(`${script} exited with ${code}`));
      else resolve({ stdout, peakRss: sampler.peak, elapsedMs: performance.now() - started });
    });
  });
