import { join } from 'node:path';
import type { StoreSettings } from '../config/ledger-config.js';
import type { ConfirmationTokenStore } from '../confirmation-tokens/confirmation-token-store.port.js';
import { openMongoConfirmationTokenStore } from '../confirmation-tokens/mongodb/mongodb-confirmation-token-store.js';
import { SqliteConfirmationTokenStore } from '../confirmation-tokens/sqlite/sqlite-confirmation-token-store.js';
import { openEventStoreDb } from '../event-store/eventstoredb/eventstoredb-event-store.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store.js';
import type { IdempotencyStore } from '../idempotency/idempotency-store.port.js';
import { openMongoIdempotencyStore } from '../idempotency/mongodb/mongodb-idempotency-store.js';
import { SqliteIdempotencyStore } from '../idempotency/sqlite/sqlite-idempotency-store.js';
import { openSqliteFile } from '../platform/sqlite/sqlite-file.js';
import { openMongoSubjectKeyStore } from '../key-store/mongodb/mongodb-subject-key-store.js';
import { openSqliteSubjectKeyStore } from '../key-store/sqlite/sqlite-subject-key-store.js';
import type { SubjectKeyStore } from '../key-store/subject-key-store.port.js';
import { openMongoReadStore } from '../read-store/mongodb/mongodb-read-store.js';
import type { ReadStore } from '../read-store/read-store.port.js';
import { SqliteReadStore } from '../read-store/sqlite/sqlite-read-store.js';

/**
 * The only place that chooses adapters, from the configuration: embedded SQLite files
 * under LEDGER_DATA_DIR unless a server is configured. Used by the app and the CLI alike.
 */
/** EventStoreDB when a connection string is configured (one client per process), else SQLite. */
export const openEventStore = async (config: StoreSettings): Promise<EventStore> =>
  config.eventStoreConnectionString !== undefined
    ? openEventStoreDb(config.eventStoreConnectionString)
    : new SqliteEventStore(openSqliteFile(join(config.dataDir, 'events.sqlite')), { maxBatch: config.groupCommitMaxBatch });

/** With MongoDB configured, shared by every instance; else a file next to the events. */
export const openIdempotencyStore = async (config: StoreSettings): Promise<IdempotencyStore> =>
  config.mongodbUrl !== undefined
    ? openMongoIdempotencyStore(config.mongodbUrl)
    : new SqliteIdempotencyStore(openSqliteFile(join(config.dataDir, 'idempotency.sqlite')), { maxBatch: config.groupCommitMaxBatch });

export const openReadStore = async (config: StoreSettings): Promise<ReadStore> =>
  config.mongodbUrl !== undefined
    ? openMongoReadStore(config.mongodbUrl)
    : new SqliteReadStore(openSqliteFile(join(config.dataDir, 'read-models.sqlite'), { synchronous: 'NORMAL' }));

/** Like the idempotency store: shared in MongoDB when configured, else its own file (never the event store). */
export const openSubjectKeyStore = async (config: StoreSettings): Promise<SubjectKeyStore> =>
  config.mongodbUrl !== undefined
    ? openMongoSubjectKeyStore(config.mongodbUrl)
    : openSqliteSubjectKeyStore(join(config.dataDir, 'keys.sqlite'), { maxBatch: config.groupCommitMaxBatch });

/** Erasure systems' confirmation tokens (hashes only): shared in MongoDB when configured, else their own file. */
export const openConfirmationTokenStore = async (config: StoreSettings): Promise<ConfirmationTokenStore> =>
  config.mongodbUrl !== undefined
    ? openMongoConfirmationTokenStore(config.mongodbUrl)
    : new SqliteConfirmationTokenStore(openSqliteFile(join(config.dataDir, 'confirmation-tokens.sqlite')));
