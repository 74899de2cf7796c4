import { LedgerError } from '../domain/ledger-error.js';

/**
 * `running`: this instance holds the projection's lease and applies events; `standby`:
 * another instance (or process) applies it, and the position shown is the stored checkpoint.
 */
export type ProjectionState = 'starting' | 'running' | 'standby' | 'failed' | 'stopped';

export interface ProjectionHealth {
  readonly name: string;
  readonly state: ProjectionState;
  readonly position: number;
  readonly error: string | null;
  readonly failedEventId: string | null;
}

/**
 * What the API side knows of the projections, wherever they run: in this thread
 * (ProjectionRunner), in the projector worker (ProjectorWorkerHost, from the worker's reports),
 * or in other processes (StoredCheckpoints, `LEDGER_ROLE=api`). Health, metrics and
 * read-your-writes (`?atLeast=`) read it and never the runner itself.
 */
export abstract class ProjectionProgress {
  /** Each projection's state and position, in the order of the projection list. */
  abstract health(): ProjectionHealth[];

  /**
   * Read-your-writes: resolves once the projection has applied `position`, or fails with
   * `read-model-lagging` after `timeoutMs` (or at once if the projection has failed).
   */
  abstract waitFor(projectionName: string, position: number, timeoutMs?: number): Promise<void>;
}

/** A projection as a waiter sees it: its state and position, and who to wake when they change. */
export interface WatchedProjection {
  readonly name: string;
  state: ProjectionState;
  position: number;
  /** Resolvers of readers waiting for this projection to reach a position (or change state). */
  readonly waiters: Set<() => void>;
}

/**
 * The wait behind every `waitFor`: on a projection applied here, woken by its progress; on a
 * `standby` one, polling the stored checkpoint (which the active runner moves right after
 * writing the documents) every `pollMs`.
 */
export const waitForPosition = async (
  watched: WatchedProjection,
  position: number,
  timeoutMs: number,
  pollMs: number,
  storedCheckpoint: () => Promise<number>,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (watched.state === 'standby') {
      const stored = await storedCheckpoint();
      if (watched.state === 'standby') watched.position = stored;
      if (stored >= position) return;
    } else if (watched.position >= position) {
      return;
    }
    const remaining = deadline - Date.now();
    if (watched.state === 'failed' || remaining <= 0) {
      throw new LedgerError(
        'read-model-lagging',
        `The ${watched.name} read model has processed position ${watched.position}, not yet ${position}; retry shortly.`,
      );
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, watched.state === 'standby' ? Math.min(remaining, pollMs) : remaining);
      function done() {
        clearTimeout(timer);
        watched.waiters.delete(done);
        resolve();
      }
      watched.waiters.add(done);
    });
  }
};

export const wakeWaiters = (watched: WatchedProjection): void => {
  for (const wake of [...watched.waiters]) wake();
};
