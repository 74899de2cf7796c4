import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { MessageChannel, Worker } from 'node:worker_threads';
import { LEDGER_CONFIG, type LedgerConfig } from '../../config/ledger-config.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { READ_STORE, type ReadStore } from '../../read-store/read-store.port.js';
import { PROJECTION_LIST, type Projection } from '../projection.js';
import { ProjectionProgress, waitForPosition, wakeWaiters, type ProjectionHealth, type WatchedProjection } from '../projection-progress.js';
import type { FromProjector, ProjectorWorkerData, ToProjector } from './projector-protocol.js';

export interface ProjectorWorkerOptions {
  /** The worker's entry module (`src/projector.worker.ts`, compiled). */
  readonly entry: URL;
  /** Node options for the worker thread (tests register a TypeScript loader). */
  readonly execArgv?: readonly string[];
}

export const PROJECTOR_WORKER_OPTIONS = Symbol('ProjectorWorkerOptions');

/** How often a read with `?atLeast=` reads the stored checkpoint of a projection that stands by. */
const CHECKPOINT_POLL_MS = 50;
/** A worker that stops by itself is started again after 1 s, then 2, 4, ... at most 30 s. */
const FIRST_RESTART_MS = 1000;
const MAX_RESTART_MS = 30_000;
/** A worker that ran this long before it stopped restarts after the first delay again. */
const STABLE_MS = 60_000;
/** Shutdown waits this long for the worker to release its leases and close its stores, then ends it. */
const STOP_TIMEOUT_MS = 10_000;

interface Mirror extends WatchedProjection {
  error: string | null;
  failedEventId: string | null;
}

/**
 * Runs the projection runner in a worker thread with its own store connections (LEDGER_ROLE=all
 * on the embedded event store), so that no read-model write is ever done on the thread that
 * answers HTTP. This thread forwards each commit's position to the worker over a message port
 * and mirrors the worker's reports (state, position, error of each projection), which is what
 * health, metrics and `?atLeast=` read.
 *
 * A worker that stops by itself (an error outside a projection's own code, which the runner
 * already contains) marks every projection `failed`, naming the cause, so readiness answers 503
 * and `?atLeast=` fails at once; it is then started again with backoff and the projections
 * resume from their checkpoints.
 */
@Injectable()
export class ProjectorWorkerHost extends ProjectionProgress implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Projections');
  private readonly mirrors: Mirror[];
  private worker: Worker | undefined;
  private commits: MessageChannel | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartDelay = FIRST_RESTART_MS;

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(PROJECTION_LIST) private readonly projections: readonly Projection[],
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(PROJECTOR_WORKER_OPTIONS) private readonly options: ProjectorWorkerOptions,
  ) {
    super();
    this.mirrors = projections.map((p) => ({
      name: p.name,
      state: 'starting',
      position: 0,
      error: null,
      failedEventId: null,
      waiters: new Set(),
    }));
  }

  async onApplicationBootstrap(): Promise<void> {
    // This thread's queries need the collections and their indexes before the worker exists.
    await this.readStore.prepare(this.projections.map((p) => p.collection));
    this.unsubscribe = this.events.onAppended((position) => this.commits?.port1.postMessage(position));
    await this.start();
  }

  /** Before the stores close: the worker releases its leases and closes its own connections. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.unsubscribe?.();
    const worker = this.worker;
    if (worker !== undefined) {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage({ type: 'stop' } satisfies ToProjector);
      const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    for (const mirror of this.mirrors) this.update(mirror, { state: 'stopped' });
  }

  override health(): ProjectionHealth[] {
    return this.mirrors.map((m) => ({
      name: m.name,
      state: m.state,
      position: m.position,
      error: m.error,
      failedEventId: m.failedEventId,
    }));
  }

  override async waitFor(projectionName: string, position: number, timeoutMs = 2000): Promise<void> {
    const mirror = this.mirrors.find((m) => m.name === projectionName);
    if (!mirror) throw new Error(`unknown projection ${projectionName}`);
    await waitForPosition(mirror, position, timeoutMs, CHECKPOINT_POLL_MS, () => this.readStore.getCheckpoint(projectionName));
  }

  /** Starts a worker; resolves once it runs its projections, or has stopped trying. */
  private start(): Promise<void> {
    const commits = new MessageChannel();
    const workerData: ProjectorWorkerData = {
      stores: {
        dataDir: this.config.dataDir,
        eventStoreConnectionString: this.config.eventStoreConnectionString,
        mongodbUrl: this.config.mongodbUrl,
        groupCommitMaxBatch: this.config.groupCommitMaxBatch,
      },
      leaseTtlMs: this.config.projectionLeaseTtlMs,
      testCrashAt: this.config.testCrashAt,
      tracing: this.config.tracing,
      commits: commits.port2,
    };
    const startedAt = Date.now();
    const worker = new Worker(this.options.entry, {
      workerData,
      transferList: [commits.port2],
      ...(this.options.execArgv && { execArgv: [...this.options.execArgv] }),
    });
    this.worker = worker;
    this.commits = commits;
    let failure: Error | undefined;
    return new Promise((started) => {
      worker.on('message', (message: FromProjector) => {
        switch (message.type) {
          case 'ready':
            // Operators (and the crash tests) see where the read models are written.
            this.logger.log(`projections run in worker thread ${worker.threadId}`);
            started();
            break;
          case 'progress':
            for (const report of message.projections) {
              const mirror = this.mirrors.find((m) => m.name === report.name);
              if (mirror !== undefined && !this.stopping) this.update(mirror, report);
            }
            break;
          case 'log':
            this.logger[message.level](message.message, ...(message.context === undefined ? [] : [message.context]));
            break;
          default:
            message satisfies never;
        }
      });
      worker.on('error', (error) => (failure = error));
      worker.on('exit', (code) => {
        commits.port1.close();
        if (this.worker === worker) {
          this.worker = undefined;
          this.commits = undefined;
        }
        started();
        if (this.stopping) return;
        this.crashed(code, failure, Date.now() - startedAt);
      });
    });
  }

  private crashed(code: number, failure: Error | undefined, ranMs: number): void {
    const cause = `the projector worker stopped (exit code ${code}${failure ? `: ${failure.message}` : ''})`;
    if (ranMs >= STABLE_MS) this.restartDelay = FIRST_RESTART_MS;
    this.logger.error(`${cause}; starting it again in ${this.restartDelay} ms`);
    for (const mirror of this.mirrors) this.update(mirror, { state: 'failed', error: cause, failedEventId: null });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopping) return;
      for (const mirror of this.mirrors) this.update(mirror, { state: 'starting', error: null });
      void this.start();
    }, this.restartDelay);
    this.restartDelay = Math.min(this.restartDelay * 2, MAX_RESTART_MS);
  }

  private update(mirror: Mirror, change: Partial<Omit<ProjectionHealth, 'name'>>): void {
    Object.assign(mirror, change);
    wakeWaiters(mirror);
  }
}
