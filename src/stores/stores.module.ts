import { Inject, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { join } from 'node:path';
import { ConfigError, LEDGER_CONFIG, type LedgerConfig } from '../config/ledger-config.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store.js';
import { IDEMPOTENCY_STORE, type IdempotencyStore } from '../idempotency/idempotency-store.port.js';
import { SqliteIdempotencyStore } from '../idempotency/sqlite-idempotency-store.js';
import { openSqliteFile } from '../platform/sqlite-file.js';

/**
 * The composition root of the stores: the only place that chooses adapters, from the
 * configuration (embedded SQLite under LEDGER_DATA_DIR unless a server is configured).
 */
const eventStoreProvider: Provider = {
  provide: EVENT_STORE,
  inject: [LEDGER_CONFIG],
  useFactory: (config: LedgerConfig): EventStore => {
    if (config.eventStoreConnectionString !== undefined) {
      throw new ConfigError('EVENTSTORE_CONNECTION_STRING', 'the EventStoreDB adapter is not available in this version');
    }
    return new SqliteEventStore(openSqliteFile(join(config.dataDir, 'events.sqlite')));
  },
};

const idempotencyStoreProvider: Provider = {
  provide: IDEMPOTENCY_STORE,
  inject: [LEDGER_CONFIG],
  useFactory: (config: LedgerConfig): IdempotencyStore =>
    new SqliteIdempotencyStore(openSqliteFile(join(config.dataDir, 'idempotency.sqlite'))),
};

class StoresLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(IDEMPOTENCY_STORE) private readonly idempotency: IdempotencyStore,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.events.close(), this.idempotency.close()]);
  }
}

@Module({
  providers: [eventStoreProvider, idempotencyStoreProvider, StoresLifecycle],
  exports: [EVENT_STORE, IDEMPOTENCY_STORE],
})
export class StoresModule {}
