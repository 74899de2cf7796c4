import { loadavg } from 'node:os';
import autocannon, { type RequestDefinition, type Result } from 'autocannon';
import pidusage from 'pidusage';

export interface LoadRow {
  readonly connections: number;
  readonly seconds: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Answers other than 2xx. */
  readonly non2xx: number;
  readonly timeouts: number;
  /** Socket errors and timeouts, as autocannon counts them. */
  readonly socketErrors: number;
  /** Every status code answered, with its count. */
  readonly statusCodes: Record<string, number>;
  /** The server process while loaded, sampled each second. */
  readonly serverCpuPercent: number;
  /**
   * CPU time the server process used over the run (user + system of all its threads, worker
   * threads included), and that divided by the requests answered.
   */
  readonly serverCpuMs: number;
  readonly cpuMsPerRequest: number;
  readonly serverPeakRssMb: number;
  readonly loadAverage1m: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
  readonly headers: Record<string, string>;
  readonly requests: RequestDefinition[];
  readonly serverPid: number;
  /** Requests per second over all connections (soak); unset: as fast as answers come. */
  readonly overallRate?: number;
  /** Every answer's latency, for windowed percentiles (soak). */
  readonly onLatency?: (ms: number, status: number) => void;
  /** Called each second with the server's usage (soak). */
  readonly onSample?: (sample: { cpu: number; rssMb: number }) => void;
}

/** One autocannon run against a server child, with the server's CPU and RSS sampled each second. */
export const runLoad = async (options: LoadOptions): Promise<LoadRow> => {
  const cpu: number[] = [];
  let peakRss = 0;
  const cpuTimeBefore = await cpuTime(options.serverPid);
  const sampler = setInterval(() => {
    pidusage(options.serverPid).then(
      (usage) => {
        cpu.push(usage.cpu);
        peakRss = Math.max(peakRss, usage.memory);
        options.onSample?.({ cpu: usage.cpu, rssMb: usage.memory / 2 ** 20 });
      },
      () => undefined,
    );
  }, 1000);
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    timeout: 10,
    headers: options.headers,
    requests: options.requests,
    ...(options.overallRate !== undefined && { overallRate: options.overallRate }),
  });
  if (options.onLatency) {
    const onLatency = options.onLatency;
    instance.on('response', (_client, status, _bytes, ms) => onLatency(ms, status));
  }
  const result: Result = await instance;
  const serverCpuMs = Math.round((await cpuTime(options.serverPid)) - cpuTimeBefore);
  clearInterval(sampler);
  pidusage.clear();
  return rowOf(options.connections, result, cpu, peakRss, serverCpuMs);
};

/** The process's CPU time so far in ms (an absolute count: pidusage's history only shapes `cpu`). */
const cpuTime = async (pid: number): Promise<number> => (await pidusage(pid)).ctime;

const rowOf = (connections: number, result: Result, cpu: number[], peakRss: number, serverCpuMs: number): LoadRow => {
  const requests = result['2xx'] + result.non2xx;
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count]));
  return {
    connections,
    seconds: result.duration,
    requests,
    requestsPerSecond: Math.round(requests / result.duration),
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    non2xx: result.non2xx,
    timeouts: result.timeouts,
    socketErrors: result.errors,
    statusCodes,
    serverCpuPercent: Math.round(cpu.reduce((a, b) => a + b, 0) / Math.max(1, cpu.length)),
    serverCpuMs,
    cpuMsPerRequest: Number((serverCpuMs / Math.max(1, requests)).toFixed(3)),
    serverPeakRssMb: Math.round(peakRss / 2 ** 20),
    loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
  };
};

/** Seconds, connection lists and counts from the environment, with a default. */
export const envNumber = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
};

export const envList = (name: string, fallback: readonly number[]): number[] => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return [...fallback];
  const list = raw.split(',').map((part) => Number(part.trim()));
  if (list.some((n) => !Number.isInteger(n) || n <= 0))
    throw new Error(`${name} must be a comma-separated list of whole numbers, got "${raw}"`);
  return list;
};

/** What the figures were measured on: they mean little without it. */
export const machine = async () => {
  const os = await import('node:os');
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    totalMemoryMb: Math.round(os.totalmem() / 2 ** 20),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    loadAverage: os.loadavg().map((n) => Number(n.toFixed(2))),
  };
};
