import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';

/**
 * `node --cpu-prof` for a child started through NODE_OPTIONS (which refuses --cpu-prof):
 * loaded with `--import`, it profiles this thread from start to exit and writes
 * `<BENCH_CPU_PROFILE_DIR>/<pid>-<thread>.cpuprofile` (the main thread's at SIGTERM). Same-thread inspector sessions answer
 * synchronously, so the profile can be taken in the exit handler.
 */
const dir = process.env['BENCH_CPU_PROFILE_DIR'];
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, `${process.pid}-${threadId}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  process.once('exit', write);
  // NestJS's shutdown hook re-raises SIGTERM after closing, which ends the process without an
  // 'exit' event: take the main thread's profile when the signal arrives.
  if (threadId === 0) process.prependListener('SIGTERM', write);
}
