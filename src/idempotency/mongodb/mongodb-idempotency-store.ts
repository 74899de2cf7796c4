import { MongoClient, MongoServerError, type Collection } from 'mongodb';
import { StoreUnavailableError } from '../../platform/store-errors.js';
import { databaseOf, isUnavailable } from '../../platform/mongodb/mongodb-helpers.js';
import type { IdempotencyRecord, IdempotencyStore } from '../idempotency-store.port.js';

interface RecordDocument {
  _id: string;
  tenantId: string;
  key: string;
  fingerprint: string;
  status: number;
  body: unknown;
  createdAt: string;
}

const DUPLICATE_KEY = 11000;

/**
 * Idempotency records in MongoDB, so that every ledger instance behind a load balancer
 * answers a retry the same way. The first record for a key wins: a second insert of the
 * same `_id` is a duplicate-key error, ignored.
 */
export class MongoIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly records: Collection<RecordDocument>,
    private readonly client?: MongoClient,
  ) {}

  async find(tenantId: string, key: string): Promise<IdempotencyRecord | null> {
    const found = await guard(() => this.records.findOne({ _id: idOf(tenantId, key) }));
    if (!found) return null;
    return {
      tenantId: found.tenantId,
      key: found.key,
      fingerprint: found.fingerprint,
      status: found.status,
      body: found.body,
      createdAt: found.createdAt,
    };
  }

  async save(record: IdempotencyRecord): Promise<void> {
    await guard(async () => {
      try {
        await this.records.insertOne({ _id: idOf(record.tenantId, record.key), ...record });
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
      }
    });
  }

  async close(): Promise<void> {
    await this.client?.close();
  }
}

/**
 * Tenant and key joined by "/", which a tenant id cannot contain (letters, digits, "_", "." and
 * "-"), so the first "/" ends the tenant whatever the key holds. Not a NUL character:
 * PostgreSQL's jsonb, which stores FerretDB's documents, refuses \u0000 in a string.
 */
const idOf = (tenantId: string, key: string): string => `${tenantId}/${key}`;

const guard = async <T>(work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    if (isUnavailable(error)) throw new StoreUnavailableError('the MongoDB idempotency store is unavailable', { cause: error });
    throw error;
  }
};

export const openMongoIdempotencyStore = async (
  url: string,
  options: { serverSelectionTimeoutMS?: number } = {},
): Promise<MongoIdempotencyStore> => {
  const client = new MongoClient(url, { appName: 'privacy-ledger', serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5000 });
  try {
    await client.connect();
  } catch (error) {
    await client.close().catch(() => undefined);
    if (isUnavailable(error)) throw new StoreUnavailableError('the MongoDB idempotency store is unavailable', { cause: error });
    throw error;
  }
  return new MongoIdempotencyStore(client.db(databaseOf(url)).collection<RecordDocument>('idempotency_keys'), client);
};
