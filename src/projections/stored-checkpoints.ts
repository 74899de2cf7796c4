import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { READ_STORE, type ReadStore } from '../read-store/read-store.port.js';
import { PROJECTION_LIST, type Projection } from './projection.js';
import { ProjectionProgress, waitForPosition, wakeWaiters, type ProjectionHealth, type WatchedProjection } from './projection-progress.js';

/** How often the health routes' positions are refreshed from the stored checkpoints. */
const REFRESH_MS = 1000;
/** How often a read with `?atLeast=` reads the stored checkpoint (as a standby runner does). */
const CHECKPOINT_POLL_MS = 50;

/**
 * The projections as an API-only process (`LEDGER_ROLE=api`) sees them: applied elsewhere (by
 * `projector` processes), so each is `standby` at its stored checkpoint, exactly as on an
 * instance whose runner stands by. `?atLeast=` polls the checkpoint and answers
 * `503 read-model-lagging` after 2 s when no projector has got there.
 */
@Injectable()
export class StoredCheckpoints extends ProjectionProgress implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Projections');
  private readonly watched: WatchedProjection[];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(PROJECTION_LIST) private readonly projections: readonly Projection[],
  ) {
    super();
    this.watched = projections.map((p) => ({ name: p.name, state: 'standby', position: 0, waiters: new Set() }));
  }

  async onApplicationBootstrap(): Promise<void> {
    // The queries need the collections and their indexes even though no runner here writes them.
    await this.readStore.prepare(this.projections.map((p) => p.collection));
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  override health(): ProjectionHealth[] {
    return this.watched.map((w) => ({ name: w.name, state: w.state, position: w.position, error: null, failedEventId: null }));
  }

  override async waitFor(projectionName: string, position: number, timeoutMs = 2000): Promise<void> {
    const watched = this.watched.find((w) => w.name === projectionName);
    if (!watched) throw new Error(`unknown projection ${projectionName}`);
    await waitForPosition(watched, position, timeoutMs, CHECKPOINT_POLL_MS, () => this.readStore.getCheckpoint(projectionName));
  }

  private async refresh(): Promise<void> {
    try {
      for (const watched of this.watched) {
        watched.position = await this.readStore.getCheckpoint(watched.name);
        wakeWaiters(watched);
      }
    } catch (error) {
      // Readiness reports the read store itself; the positions stay as last read.
      this.logger.warn(`could not read the checkpoints: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
