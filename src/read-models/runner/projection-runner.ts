import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { LedgerError } from '../../domain/ledger-error.js';
import { EVENT_STORE, StoreUnavailableError, type EventStore, type StoredEvent } from '../../event-store/event-store.port.js';
import { READ_STORE, type ReadStore } from '../../read-store/read-store.port.js';
import type { Projection } from '../projection.js';
import { PROJECTIONS } from '../projections.js';
import { applyBatch } from './projection-processor.js';

export type ProjectionState = 'starting' | 'running' | 'failed' | 'stopped';

export interface ProjectionHealth {
  readonly name: string;
  readonly state: ProjectionState;
  readonly position: number;
  readonly error: string | null;
  readonly failedEventId: string | null;
}

interface Tracker {
  projection: Projection;
  state: ProjectionState;
  position: number;
  error: string | null;
  failedEventId: string | null;
  /** Resolvers of readers waiting for this projection to reach a position. */
  waiters: Set<() => void>;
}

const BATCH_SIZE = 500;
/** Safety net only: new events wake the runner at once through the store's notification. */
const IDLE_POLL_MS = 1000;
const MAX_BACKOFF_MS = 10_000;

/**
 * Keeps every read model following the global log: one loop per projection, from its own
 * checkpoint, woken in-process after each commit. A projection whose own code fails on an
 * event stops there and reports itself failed; the others go on. Store outages are
 * retried with backoff.
 */
@Injectable()
export class ProjectionRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Projections');
  private readonly trackers: Tracker[];
  private readonly wakers = new Set<() => void>();
  private unsubscribe: (() => void) | undefined;
  private stopping = false;
  /** Bumped on every commit, so a loop that found nothing cannot miss a wake-up. */
  private commits = 0;
  private loops: Promise<void>[] = [];

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {
    this.trackers = PROJECTIONS.map((projection) => ({
      projection,
      state: 'starting',
      position: 0,
      error: null,
      failedEventId: null,
      waiters: new Set(),
    }));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.readStore.prepare(PROJECTIONS.map((p) => p.collection));
    this.unsubscribe = this.events.onAppended(() => {
      this.commits++;
      this.wakeAll();
    });
    this.loops = this.trackers.map((tracker) => this.follow(tracker));
  }

  /** Before the stores close (their shutdown hook runs after this one). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    this.wakeAll();
    await Promise.all(this.loops);
  }

  health(): ProjectionHealth[] {
    return this.trackers.map((t) => ({
      name: t.projection.name,
      state: t.state,
      position: t.position,
      error: t.error,
      failedEventId: t.failedEventId,
    }));
  }

  /**
   * Read-your-writes: resolves once the projection has applied `position`, or fails with
   * `read-model-lagging` after `timeoutMs` (or at once if the projection has failed).
   */
  async waitFor(projectionName: string, position: number, timeoutMs = 2000): Promise<void> {
    const tracker = this.trackers.find((t) => t.projection.name === projectionName);
    if (!tracker) throw new Error(`unknown projection ${projectionName}`);
    const deadline = Date.now() + timeoutMs;
    while (tracker.position < position) {
      const remaining = deadline - Date.now();
      if (tracker.state === 'failed' || remaining <= 0) {
        throw new LedgerError(
          'read-model-lagging',
          `The ${projectionName} read model has processed position ${tracker.position}, not yet ${position}; retry shortly.`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, remaining);
        function done() {
          clearTimeout(timer);
          tracker!.waiters.delete(done);
          resolve();
        }
        tracker.waiters.add(done);
      });
    }
  }

  private async follow(tracker: Tracker): Promise<void> {
    let backoff = 100;
    let checkpointLoaded = false;
    while (!this.stopping) {
      try {
        if (!checkpointLoaded) {
          tracker.position = await this.readStore.getCheckpoint(tracker.projection.name);
          checkpointLoaded = true;
        }
        tracker.state = 'running';
        const seenCommits = this.commits;
        const batch = await this.nextBatch(tracker.position);
        if (batch.length === 0) {
          await this.idle(IDLE_POLL_MS, seenCommits);
          continue;
        }
        await applyBatch(tracker.projection, this.readStore, batch);
        tracker.position = batch.at(-1)?.globalPosition ?? tracker.position;
        tracker.error = null;
        backoff = 100;
        for (const wake of [...tracker.waiters]) wake();
      } catch (error) {
        if (this.stopping) break;
        if (error instanceof StoreUnavailableError) {
          tracker.error = error.message;
          this.logger.warn(`${tracker.projection.name}: ${error.message}; retrying in ${backoff} ms`);
          await this.idle(backoff);
          backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
          continue;
        }
        // A ledger projection must not silently skip a fact: stop here, visibly.
        tracker.state = 'failed';
        tracker.error = error instanceof Error ? error.message : String(error);
        tracker.failedEventId = (error as { eventId?: string }).eventId ?? null;
        this.logger.error(`${tracker.projection.name} stopped: ${tracker.error}`);
        for (const wake of [...tracker.waiters]) wake();
        return;
      }
    }
    tracker.state = 'stopped';
  }

  private async nextBatch(after: number): Promise<StoredEvent[]> {
    const batch: StoredEvent[] = [];
    for await (const event of this.events.readAll({ fromPosition: after + 1, limit: BATCH_SIZE })) batch.push(event);
    return batch;
  }

  private idle(ms: number, seenCommits = this.commits): Promise<void> {
    if (this.stopping || seenCommits !== this.commits) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const wakers = this.wakers;
      function done() {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      }
      wakers.add(done);
    });
  }

  private wakeAll(): void {
    for (const wake of [...this.wakers]) wake();
  }
}
