import { ensureLog } from './generate-log.js';

/** Generates (or finds in the cache) the benchmark log. Usage: node dist-bench/bench/support/generate-main.js [events] [subjects] */
const events = Number(process.argv[2] ?? process.env['BENCH_EVENTS'] ?? 1_000_000);
const subjects = Number(process.argv[3] ?? process.env['BENCH_SUBJECTS'] ?? Math.round(events / 10));
const log = await ensureLog('bench/.cache', events, subjects);
console.log(JSON.stringify(log));
