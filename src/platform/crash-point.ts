/**
 * Test hook for the crash tests (test/crash/): `LEDGER_TEST_CRASH_AT=<point>` makes the
 * server kill itself with SIGKILL the first time it reaches that point, so a test can crash
 * it at an exact spot (e.g. between a read-model write and its checkpoint). Unset, as in
 * production, `crashPoint` is a no-op. Only main.ts arms it; the CLI and in-process tests never do.
 */
export const CRASH_POINTS = ['projection-after-write'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

let armed: CrashPoint | undefined;

export const armCrashPoint = (point: CrashPoint | undefined): void => {
  armed = point;
};

export const crashPoint = (point: CrashPoint): void => {
  if (armed === point) process.kill(process.pid, 'SIGKILL');
};
