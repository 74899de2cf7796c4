import { writeSync } from 'node:fs';
import { isMainThread, threadId } from 'node:worker_threads';

/**
 * Test hook for the crash tests (test/crash/): `LEDGER_TEST_CRASH_AT=<point>` makes the
 * server kill itself with SIGKILL the first time it reaches that point, so a test can crash
 * it at an exact spot (e.g. between a read-model write and its checkpoint);
 * `<point>:<where>` only where the caller names that place (a projection's name), so a test
 * can pick the read model that would show a double count. Unset, as in production,
 * `crashPoint` is a no-op. Only main.ts and the projector worker arm it (each thread has its
 * own copy of this module); the CLI and in-process tests never do.
 */
export const CRASH_POINTS = ['projection-after-write'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export interface ArmedCrashPoint {
  readonly point: CrashPoint;
  /** Only there (e.g. `transfer-summary`); unset: wherever the point is reached first. */
  readonly where?: string;
}

let armed: ArmedCrashPoint | undefined;

export const armCrashPoint = (point: ArmedCrashPoint | undefined): void => {
  armed = point;
};

export const crashPoint = (point: CrashPoint, where: string): void => {
  if (armed?.point !== point || (armed.where !== undefined && armed.where !== where)) return;
  // Written synchronously, before the signal: the crash tests check which thread got there.
  writeSync(2, `crash point ${point} reached in ${where} on ${isMainThread ? 'the main thread' : `worker thread ${threadId}`}\n`);
  process.kill(process.pid, 'SIGKILL');
};
