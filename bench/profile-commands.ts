import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CommandMix } from './support/command-mix.js';
import { startBenchLedger } from './support/bench-ledger.js';
import { envNumber, machine, runLoad } from './support/load.js';

/**
 * Profiles the command path: the built ledger started with a CPU profiler on each thread
 * (support/cpu-profile.preload.ts), driven by the benchmark's command mix (warm-up at 10
 * connections, then BENCH_DURATION seconds at BENCH_CONNECTIONS). Prints the run's figures with
 * the CPU time per command (whole process and main thread, from /proc), then each thread's
 * profile by self time per function and per package or file, and inclusive time per file and
 * function of ours. The profile covers the whole process life (start-up and warm-up included);
 * the load dominates it.
 *
 * Usage: npm run build && npm run bench:build && node dist-bench/bench/profile-commands.js
 *   BENCH_DURATION=20 BENCH_CONNECTIONS=50 BENCH_WARMUP=5 BENCH_TOP=30
 *   BENCH_PROFILE_DIR=<dir>  keep the .cpuprofile files there (default: a temp dir, removed)
 *   BENCH_PROFILE=off        no profiler: only the figures (for before/after runs of two builds,
 *                            run it from a directory whose dist/ holds the other build)
 */
const seconds = envNumber('BENCH_DURATION', 20);
const connections = envNumber('BENCH_CONNECTIONS', 50);
const warmup = envNumber('BENCH_WARMUP', 5);
const top = envNumber('BENCH_TOP', 30);
const profiling = process.env['BENCH_PROFILE'] !== 'off';
const keepDir = process.env['BENCH_PROFILE_DIR'];
const profileDir = keepDir ? resolve(keepDir) : mkdtempSync(join(tmpdir(), 'ledger-cpu-prof-'));
mkdirSync(profileDir, { recursive: true });

// NODE_OPTIONS refuses --cpu-prof, so the child loads a preload that profiles each thread.
const preload = new URL('./support/cpu-profile.preload.js', import.meta.url).pathname;
const nodeOptions = process.env['NODE_OPTIONS'];
if (profiling) process.env['NODE_OPTIONS'] = `${nodeOptions ?? ''} --import=${preload}`;
process.env['BENCH_CPU_PROFILE_DIR'] = profileDir;
const ledger = await startBenchLedger();
if (nodeOptions === undefined) delete process.env['NODE_OPTIONS'];
else process.env['NODE_OPTIONS'] = nodeOptions;
delete process.env['BENCH_CPU_PROFILE_DIR'];
const mix = new CommandMix(10_000, 4);
const run = async (conns: number, duration: number) => {
  mix.startRun(conns);
  const row = await runLoad({
    url: ledger.server.url,
    connections: conns,
    seconds: duration,
    headers: ledger.headers,
    requests: [mix.request()],
    serverPid: ledger.server.pid,
  });
  mix.endRun();
  return row;
};
/** CPU seconds (user + system) of the server process (all threads) and of its main thread, from /proc. */
const cpuSeconds = () => {
  const ticks = (path: string) => {
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, USER_HZ = 100
  };
  const pid = ledger.server.pid;
  return { process: ticks(`/proc/${pid}/stat`), main: ticks(`/proc/${pid}/task/${pid}/stat`) };
};
const loadBefore = (await machine()).loadAverage;
let row;
let cpu;
try {
  await run(Math.min(10, connections), warmup);
  const before = cpuSeconds();
  row = await run(connections, seconds);
  const after = cpuSeconds();
  cpu = { process: after.process - before.process, main: after.main - before.main };
} finally {
  await ledger.server.stop();
  rmSync(ledger.dataDir, { recursive: true, force: true });
}
console.log(
  `${connections} connections, ${seconds} s: ${row.requestsPerSecond} req/s, p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms, ` +
    `non-2xx ${row.non2xx}, CPU per command ${((1000 * cpu.process) / row.requests).toFixed(3)} ms ` +
    `(main thread ${((1000 * cpu.main) / row.requests).toFixed(3)} ms), load average before ${loadBefore.join(' ')} after ${(await machine()).loadAverage.join(' ')}`,
);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const root = resolve('.');
/** Our files by path (dist/… or src/…), packages by name, node internals as `node:`. */
const moduleOf = (url: string): string => {
  if (url === '') return '(native/vm)';
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + 13).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  return path.startsWith(root) ? path.slice(root.length + 1) : path;
};
const ours = (module: string) => module.startsWith('dist/');
const pct = (part: number, total: number) => `${((100 * part) / total).toFixed(1)}%`.padStart(6);

for (const file of readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile'))) {
  const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfTime = new Map<number, number>();
  profile.samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let total = 0;
  let idle = 0;
  const selfByFunction = new Map<string, number>();
  const selfByModule = new Map<string, number>();
  const inclusiveByModule = new Map<string, number>();
  const inclusiveByFunction = new Map<string, number>();
  for (const [id, time] of selfTime) {
    const node = byId.get(id)!;
    total += time;
    if (node.callFrame.functionName === '(idle)') {
      idle += time;
      continue;
    }
    const module = moduleOf(node.callFrame.url);
    const fn = `${node.callFrame.functionName || '(anonymous)'} ${module}:${node.callFrame.lineNumber + 1}`;
    selfByFunction.set(fn, (selfByFunction.get(fn) ?? 0) + time);
    selfByModule.set(module, (selfByModule.get(module) ?? 0) + time);
    // Inclusive: each module / our function on the stack counts once per sample.
    const seenModules = new Set<string>();
    const seenFunctions = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      const m = moduleOf(frame.url);
      if (ours(m)) {
        seenModules.add(m);
        seenFunctions.add(`${frame.functionName || '(anonymous)'} ${m}:${frame.lineNumber + 1}`);
      }
    }
    for (const m of seenModules) inclusiveByModule.set(m, (inclusiveByModule.get(m) ?? 0) + time);
    for (const f of seenFunctions) inclusiveByFunction.set(f, (inclusiveByFunction.get(f) ?? 0) + time);
  }
  const busy = total - idle;
  const print = (title: string, map: Map<string, number>) => {
    console.log(`\n  ${title}`);
    for (const [name, time] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top))
      console.log(`  ${pct(time, busy)} ${(time / 1000).toFixed(0).padStart(7)} ms  ${name}`);
  };
  console.log(`\n=== ${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (percentages of busy time)`);
  print('self time by function', selfByFunction);
  print('self time by package / file', selfByModule);
  print('inclusive time by file of ours', inclusiveByModule);
  print('inclusive time by function of ours', inclusiveByFunction);
}
if (!keepDir) rmSync(profileDir, { recursive: true, force: true });
