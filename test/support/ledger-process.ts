import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { buildLedger } from './build-ledger.js';
import { E2E_ADMIN_KEY, e2eAdminKeyEntry, mongoFor, type HttpAnswer } from './ledger-app.js';

/**
 * The ledger as a child process, for the crash tests: only a separate process can be killed
 * with SIGKILL mid-write. It runs the shared build of test/support/build-ledger.js.
 */

const ROOT = resolve(import.meta.dirname, '../..');
/** A 32-byte master key (hex): the child must not generate one per start, or restarts could not decrypt. */
export const CRASH_MASTER_KEY = '5'.repeat(64);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface LedgerProcess {
  readonly url: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** The child's last output lines, for failure messages. */
  output(): string;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<HttpAnswer>;
  get(path: string, headers?: Record<string, string>): Promise<HttpAnswer>;
  /** SIGKILL, and wait until the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (Nest's shutdown hooks: leases released, stores closed), then wait. */
  stop(): Promise<void>;
  /** Resolves with the signal or exit code when the process ends (also when it kills itself). */
  readonly exited: Promise<NodeJS.Signals | number | null>;
}

/** The child ended before it was ready (e.g. a crash point armed with LEDGER_TEST_CRASH_AT fired). */
export class LedgerExitedError extends Error {
  constructor(
    readonly how: NodeJS.Signals | number | null,
    output: string,
  ) {
    super(`the ledger exited (${String(how)}) before it was ready:\n${output}`);
    this.name = 'LedgerExitedError';
  }
}

export interface SpawnOptions {
  readonly dataDir: string;
  readonly env?: Record<string, string>;
  /** Default: the e2e rule (MONGODB_URL set -> a database named after the data dir). */
  readonly mongodbUrl?: string | null;
}

/** Starts `node dist-test/main.js` on a free port and waits until /health/ready answers 200. */
export const spawnLedger = async (options: SpawnOptions): Promise<LedgerProcess> => {
  const main = await buildLedger();
  const mongo =
    options.mongodbUrl === undefined ? mongoFor(options.dataDir) : options.mongodbUrl === null ? {} : { MONGODB_URL: options.mongodbUrl };
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    ...mongo,
    LEDGER_DATA_DIR: options.dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LEDGER_API_KEYS: JSON.stringify([e2eAdminKeyEntry]),
    LEDGER_RATE_LIMIT: '0',
    LEDGER_MASTER_KEY: CRASH_MASTER_KEY,
    LEDGER_LOG_LEVEL: 'info',
    // A killed child's leases block its successor's projections until they expire: 10 s by default.
    LEDGER_PROJECTION_LEASE_TTL_MS: '1000',
    ...options.env,
  };
  const child = spawn(process.execPath, [main], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let url: string | undefined;
  const exited = new Promise<NodeJS.Signals | number | null>((done) => child.once('exit', (code, signal) => done(signal ?? code)));
  const listening = new Promise<string>((resolveUrl, reject) => {
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line === '') continue;
        lines.push(line);
        if (lines.length > 200) lines.shift();
        const found = url === undefined ? /listening on (http:\/\/[^\s"]+)/.exec(line) : null;
        if (found?.[1]) {
          url = found[1].replace('[::1]', '127.0.0.1');
          resolveUrl(url);
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((how) => reject(new LedgerExitedError(how, lines.join('\n'))));
  });
  const base = await withTimeout(listening, 60_000, () => `the ledger did not start within 60 s:\n${lines.join('\n')}`);
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> => {
    const init: RequestInit = {
      method,
      headers: { authorization: `Bearer ${E2E_ADMIN_KEY}`, ...headers },
      signal: AbortSignal.timeout(20_000),
    };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const response = await fetch(`${base}${path}`, init);
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // NDJSON or CSV: keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed as any, text };
  };
  const stopWith = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await withTimeout(exited, 20_000, () => `the ledger did not exit on ${signal}`);
  };
  const ledger: LedgerProcess = {
    url: base,
    pid: child.pid!,
    child,
    exited,
    output: () => lines.join('\n'),
    post: (path, body, headers) => call('POST', path, body, headers),
    get: (path, headers) => call('GET', path, undefined, headers),
    kill: () => stopWith('SIGKILL'),
    stop: () => stopWith('SIGTERM'),
  };
  for (const deadline = Date.now() + 30_000; ; await sleep(50)) {
    const ready = await ledger.get('/health/ready').catch(() => undefined);
    if (ready?.status === 200) return ledger;
    if (child.exitCode !== null || child.signalCode !== null) throw new LedgerExitedError(await exited, ledger.output());
    if (Date.now() > deadline) {
      await ledger.kill();
      throw new Error(`the ledger was not ready within 30 s (last: ${ready?.status} ${ready?.text}):\n${ledger.output()}`);
    }
  }
};

const withTimeout = <T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message())), ms);
    }),
  ]).finally(() => clearTimeout(timer));
};

/**
 * Sets the child's largest writable file size (RLIMIT_FSIZE, the soft limit only, so that it can
 * be raised again without privileges); 0 makes every file write fail with EFBIG.
 */
export const limitFileSize = (pid: number, bytes: number | 'unlimited'): void => {
  const result = spawnSync('prlimit', ['--pid', String(pid), `--fsize=${bytes}:unlimited`], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(
      `cannot change the ledger's file size limit with prlimit (util-linux), which this test needs to make writes fail: ${result.error?.message ?? result.stderr}`,
    );
  }
};
