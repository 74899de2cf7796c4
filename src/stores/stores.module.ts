import { Inject, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { LEDGER_CONFIG, type LedgerConfig } from '../config/ledger-config.js';
import { CONFIRMATION_TOKEN_STORE, type ConfirmationTokenStore } from '../confirmation-tokens/confirmation-token-store.port.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { IDEMPOTENCY_STORE, type IdempotencyStore } from '../idempotency/idempotency-store.port.js';
import { SUBJECT_KEY_STORE, type SubjectKeyStore } from '../key-store/subject-key-store.port.js';
import { READ_STORE, type ReadStore } from '../read-store/read-store.port.js';
import { openConfirmationTokenStore, openEventStore, openIdempotencyStore, openReadStore, openSubjectKeyStore } from './open-stores.js';

const storeProvider = (token: symbol, open: (config: LedgerConfig) => Promise<unknown>): Provider => ({
  provide: token,
  inject: [LEDGER_CONFIG],
  useFactory: open,
});

/** Closes the stores last: the projection runner stops before this (beforeApplicationShutdown). */
class StoresLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(IDEMPOTENCY_STORE) private readonly idempotency: IdempotencyStore,
    @Inject(READ_STORE) private readonly readModels: ReadStore,
    @Inject(SUBJECT_KEY_STORE) private readonly keys: SubjectKeyStore,
    @Inject(CONFIRMATION_TOKEN_STORE) private readonly confirmationTokens: ConfirmationTokenStore,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([
      this.events.close(),
      this.idempotency.close(),
      this.readModels.close(),
      this.keys.close(),
      this.confirmationTokens.close(),
    ]);
  }
}

@Module({
  providers: [
    storeProvider(EVENT_STORE, openEventStore),
    storeProvider(IDEMPOTENCY_STORE, openIdempotencyStore),
    storeProvider(READ_STORE, openReadStore),
    storeProvider(SUBJECT_KEY_STORE, openSubjectKeyStore),
    storeProvider(CONFIRMATION_TOKEN_STORE, openConfirmationTokenStore),
    StoresLifecycle,
  ],
  exports: [EVENT_STORE, IDEMPOTENCY_STORE, READ_STORE, SUBJECT_KEY_STORE, CONFIRMATION_TOKEN_STORE],
})
export class StoresModule {}
