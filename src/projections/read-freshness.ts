import { Inject, Injectable } from '@nestjs/common';
import { LEDGER_CONFIG, type LedgerConfig } from '../config/ledger-config.js';
import { LedgerError, validationFailed } from '../domain/ledger-error.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { ProjectionProgress } from './projection-progress.js';

/**
 * A read waits at most `LEDGER_READ_YOUR_WRITES_TIMEOUT_MS` (2 s by default) for `atLeast`, then
 * answers 503 read-model-lagging; or 400 naming `atLeast` when the log has no event at that
 * position even then.
 */
@Injectable()
export class ReadFreshness {
  constructor(
    private readonly runner: ProjectionProgress,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  async ensure(projection: string, atLeast: number | undefined): Promise<void> {
    if (atLeast === undefined) return;
    try {
      await this.runner.waitFor(projection, atLeast, this.config.readYourWritesTimeoutMs);
    } catch (error) {
      // Still not there: if no event was ever written at that position, no command answered
      // it, and a 503 would invite retries that cannot succeed. It is the caller's mistake.
      // (Not checked before waiting: a read may wait for a write that lands meanwhile.)
      if (error instanceof LedgerError && error.code === 'read-model-lagging') {
        const head = await this.events.lastPosition();
        if (atLeast > head) {
          throw validationFailed([
            { field: 'atLeast', message: `no event has been written at position ${atLeast} (the log ends at ${head})` },
          ]);
        }
      }
      throw error;
    }
  }
}
