import { Inject, Injectable, Logger, Optional, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { EVENT_STORE, type EventStore, type StoredEvent } from '../../event-store/event-store.port.js';
import { StoreUnavailableError } from '../../platform/store-errors.js';
import { wakeableSleep } from '../../platform/wakeable-sleep.js';
import { ATTRIBUTES, SPANS, inSpan } from '../../platform/tracing.js';
import { LeaseLostError, READ_STORE, type Lease, type ReadStore } from '../../read-store/read-store.port.js';
import { PROJECTION_LIST, type Projection } from '../projection.js';
import { ProjectionProgress, waitForPosition, wakeWaiters, type ProjectionHealth, type WatchedProjection } from '../projection-progress.js';
import { applyBatch } from './projection-processor.js';

export type { ProjectionHealth, ProjectionState } from '../projection-progress.js';

export interface ProjectionRunnerOptions {
  /** This runner's lease owner id (default: host, pid and a random UUID). */
  readonly owner?: string;
  /** How long a lease lasts unless renewed (default 10 s). */
  readonly leaseTtlMs?: number;
  /** How often the holder renews its lease (default 30% of the ttl: 3 s). */
  readonly renewEveryMs?: number;
  /** How often a standby tries to take a lease held elsewhere (default 20% of the ttl: 2 s). */
  readonly standbyRetryMs?: number;
  /** How often `waitFor` on a standby reads the stored checkpoint (default 50 ms). */
  readonly checkpointPollMs?: number;
  /** Wall-clock time in epoch ms for lease expiry (default `Date.now`). */
  readonly now?: () => number;
  /** Called after any projection's state, position or error changed (the projector worker reports it). */
  readonly onChange?: () => void;
}

/** Optional Nest provider for ProjectionRunnerOptions; the app does not need to provide it. */
export const PROJECTION_RUNNER_OPTIONS = Symbol('ProjectionRunnerOptions');

interface Tracker extends WatchedProjection {
  projection: Projection;
  error: string | null;
  failedEventId: string | null;
  /** The projection's lease while this runner holds it. */
  lease: Lease | null;
  renewedAt: number;
  /** The last read filled its batch: more is waiting, read larger batches. */
  behind: boolean;
}

/**
 * Events read per batch while following the log: small when live (a batch is whatever arrived
 * since the last one, applied at once), larger while catching up after a start or an outage
 * (the previous read came back full), where the per-batch costs (a document read, a write and
 * a checkpoint per projection) dominate.
 */
const BATCH_SIZE = 500;
const CATCH_UP_BATCH_SIZE = 5000;
const DEFAULT_LEASE_TTL_MS = 10_000;

/**
 * How often a standby tries to take a lease held elsewhere, by default: a fifth of the TTL, so a
 * dead holder's projections move within TTL + TTL/5 of its last renewal, at a cost of five
 * lease reads per TTL per projection on each standby.
 */
export const standbyRetryFor = (leaseTtlMs: number): number => Math.max(1, Math.floor(leaseTtlMs * 0.2));
/** Safety net only: new events wake the runner at once through the store's notification. */
const IDLE_POLL_MS = 1000;
const MAX_BACKOFF_MS = 10_000;

/**
 * Keeps every read model following the global log: one loop per projection, from its own
 * checkpoint, woken in-process after each commit. A projection whose own code fails on an
 * event stops there and reports itself failed; the others go on. Store outages are
 * retried with backoff.
 *
 * Several instances may run against one read store: each projection is applied only by the
 * instance holding its lease (renewed while it works), and every checkpoint write carries
 * the lease's fencing token, so a runner that lost its lease cannot move the checkpoint;
 * it stands by and tries to take the lease again. Leases are released on shutdown.
 */
@Injectable()
export class ProjectionRunner extends ProjectionProgress implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Projections');
  private readonly trackers: Tracker[];
  private readonly wakers = new Set<() => void>();
  /** Sleepers woken only by shutdown (standbys, which have nothing to do on a commit). */
  private readonly stopWakers = new Set<() => void>();
  /** This instance's lease owner id. */
  readonly owner: string;
  private readonly leaseTtlMs: number;
  private readonly renewEveryMs: number;
  private readonly standbyRetryMs: number;
  private readonly checkpointPollMs: number;
  private readonly now: () => number;
  private readonly onChange: (() => void) | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopping = false;
  /** Bumped on every commit, so a loop that found nothing cannot miss a wake-up. */
  private commits = 0;
  private loops: Promise<void>[] = [];

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(PROJECTION_LIST) private readonly projections: readonly Projection[],
    @Optional() @Inject(PROJECTION_RUNNER_OPTIONS) options: ProjectionRunnerOptions = {},
  ) {
    super();
    this.owner = options.owner ?? `${hostname()}/${process.pid}/${randomUUID()}`;
    this.leaseTtlMs = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    this.renewEveryMs = options.renewEveryMs ?? Math.max(1, Math.floor(this.leaseTtlMs * 0.3));
    this.standbyRetryMs = options.standbyRetryMs ?? standbyRetryFor(this.leaseTtlMs);
    this.checkpointPollMs = options.checkpointPollMs ?? 50;
    this.now = options.now ?? Date.now;
    this.onChange = options.onChange;
    if (this.renewEveryMs >= this.leaseTtlMs) throw new Error('renewEveryMs must be shorter than leaseTtlMs');
    this.trackers = projections.map((projection) => ({
      name: projection.name,
      projection,
      state: 'starting',
      position: 0,
      error: null,
      failedEventId: null,
      waiters: new Set(),
      lease: null,
      renewedAt: 0,
      behind: true,
    }));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.readStore.prepare(this.projections.map((p) => p.collection));
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
    for (const wake of [...this.stopWakers]) wake();
    await Promise.all(this.loops);
  }

  override health(): ProjectionHealth[] {
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
   * While another instance holds the projection's lease, this one waits on the stored
   * checkpoint (read every `checkpointPollMs`) instead of its own position.
   */
  override async waitFor(projectionName: string, position: number, timeoutMs = 2000): Promise<void> {
    const tracker = this.trackers.find((t) => t.projection.name === projectionName);
    if (!tracker) throw new Error(`unknown projection ${projectionName}`);
    await waitForPosition(tracker, position, timeoutMs, this.checkpointPollMs, () => this.readStore.getCheckpoint(projectionName));
  }

  private async follow(tracker: Tracker): Promise<void> {
    const name = tracker.projection.name;
    let backoff = 100;
    while (!this.stopping) {
      try {
        if (tracker.lease === null || this.now() - tracker.renewedAt >= this.renewEveryMs) {
          const held = await this.holdLease(tracker);
          if (!held) {
            await this.sleep(this.standbyRetryMs);
            continue;
          }
        }
        const lease = tracker.lease!;
        const seenCommits = this.commits;
        const limit = tracker.behind ? CATCH_UP_BATCH_SIZE : BATCH_SIZE;
        const batch = await this.nextBatch(tracker.position, limit);
        tracker.behind = batch.length >= limit;
        if (batch.length === 0) {
          // Wake up in time to renew the lease.
          const untilRenewal = Math.max(1, tracker.renewedAt + this.renewEveryMs - this.now());
          await this.idle(Math.min(IDLE_POLL_MS, untilRenewal), seenCommits);
          continue;
        }
        // A trace of its own: a batch applies the events of many commands, whatever their requests.
        await inSpan(
          SPANS.projectionBatch,
          {
            [ATTRIBUTES.projection]: name,
            [ATTRIBUTES.eventCount]: batch.length,
            [ATTRIBUTES.firstPosition]: batch[0]?.globalPosition ?? -1,
            [ATTRIBUTES.lastPosition]: batch.at(-1)?.globalPosition ?? -1,
          },
          () => applyBatch(tracker.projection, this.readStore, batch, lease.token),
          { root: true },
        );
        tracker.position = batch.at(-1)?.globalPosition ?? tracker.position;
        tracker.error = null;
        backoff = 100;
        this.wakeWaiters(tracker);
      } catch (error) {
        if (this.stopping) break;
        if (error instanceof LeaseLostError) {
          // Another instance took the lease over (ours expired): its runner goes on from the
          // stored checkpoint; this one stands by.
          this.logger.warn(`${name}: lease lost (token ${error.token}); standing by`);
          this.standBy(tracker);
          continue;
        }
        if (error instanceof StoreUnavailableError) {
          tracker.error = error.message;
          this.onChange?.();
          // A lease that could not be renewed in time is not ours to act on any more.
          if (tracker.lease !== null && this.now() >= tracker.lease.expiresAt) this.standBy(tracker);
          this.logger.warn(`${name}: ${error.message}; retrying in ${backoff} ms`);
          await this.idle(backoff);
          backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
          continue;
        }
        // A ledger projection must not silently skip a fact: stop here, visibly.
        tracker.state = 'failed';
        tracker.error = error instanceof Error ? error.message : String(error);
        tracker.failedEventId = (error as { eventId?: string }).eventId ?? null;
        this.logger.error(`${name} stopped: ${tracker.error}`);
        // Let another instance (maybe a fixed version, in a rolling deploy) try.
        await this.release(tracker);
        this.wakeWaiters(tracker);
        return;
      }
    }
    await this.release(tracker);
    tracker.state = 'stopped';
    this.wakeWaiters(tracker);
  }

  /**
   * Takes or renews the projection's lease. True when this runner holds it (state
   * `running`, position from the stored checkpoint if the lease is newly taken); false when
   * another instance does (state `standby`, position = the stored checkpoint).
   */
  private async holdLease(tracker: Tracker): Promise<boolean> {
    const name = tracker.projection.name;
    const previous = tracker.lease;
    const now = this.now();
    const lease = await this.readStore.acquireLease(name, this.owner, this.leaseTtlMs, now);
    if (lease === null) {
      if (previous !== null) this.logger.warn(`${name}: lease taken over by another instance; standing by`);
      this.standBy(tracker);
      tracker.position = await this.readStore.getCheckpoint(name);
      tracker.error = null;
      this.onChange?.();
      return false;
    }
    if (previous === null || previous.token !== lease.token) {
      // Newly ours: another runner may have moved the checkpoint meanwhile.
      tracker.position = await this.readStore.getCheckpoint(name);
      this.onChange?.();
      if (tracker.state === 'standby') this.logger.log(`${name}: lease taken (token ${lease.token}) at position ${tracker.position}`);
    }
    tracker.lease = lease;
    tracker.renewedAt = now;
    if (tracker.state !== 'running') {
      tracker.state = 'running';
      this.wakeWaiters(tracker);
    }
    return true;
  }

  private standBy(tracker: Tracker): void {
    tracker.lease = null;
    if (tracker.state !== 'standby') {
      tracker.state = 'standby';
      this.wakeWaiters(tracker);
    }
  }

  private async release(tracker: Tracker): Promise<void> {
    if (tracker.lease === null) return;
    tracker.lease = null;
    try {
      await this.readStore.releaseLease(tracker.projection.name, this.owner);
    } catch (error) {
      // It expires by itself.
      this.logger.warn(
        `${tracker.projection.name}: could not release the lease: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private wakeWaiters(tracker: Tracker): void {
    wakeWaiters(tracker);
    this.onChange?.();
  }

  private async nextBatch(after: number, limit: number): Promise<StoredEvent[]> {
    const batch: StoredEvent[] = [];
    for await (const event of this.events.readAll({ fromPosition: after + 1, limit })) batch.push(event);
    return batch;
  }

  private idle(ms: number, seenCommits = this.commits): Promise<void> {
    if (this.stopping || seenCommits !== this.commits) return Promise.resolve();
    return wakeableSleep(ms, this.wakers);
  }

  /** Sleeps, woken early only by shutdown. */
  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return wakeableSleep(ms, this.stopWakers);
  }

  private wakeAll(): void {
    for (const wake of [...this.wakers]) wake();
  }
}
