import { MongoBulkWriteError, MongoClient, MongoServerError } from 'mongodb';
import type { AnyBulkWriteOperation, Collection, Db, Document, Filter, Sort } from 'mongodb';
import { StoreUnavailableError } from '../../platform/store-errors.js';
import { databaseOf, isUnavailable } from '../../platform/mongodb/mongodb-helpers.js';
import { checkedName } from '../field-names.js';
import { LeaseLostError } from '../read-store.port.js';
import type {
  BulkLoad,
  CollectionSpec,
  Condition,
  FindOptions,
  Lease,
  ReadDocument,
  ReadStore,
  Scalar,
  StoredLease,
  Where,
} from '../read-store.port.js';

/** MongoDB's duplicate-key error: a guarded upsert whose filter failed on an existing `_id`. */
const DUPLICATE_KEY = 11000;

interface StoredDocument extends Document {
  _id: string;
  _position: number;
}

/**
 * A projection's checkpoint and the lease of the same name share one document, so that a
 * fenced checkpoint write is a single-document update guarded by the lease's token.
 */
interface CheckpointDocument {
  _id: string;
  position: number;
  leaseOwner?: string | null;
  leaseToken?: number;
  leaseExpiresAt?: number;
}

export interface MongoReadStoreOptions {
  /** How long the driver looks for a server before an operation fails (default 5000 ms). */
  readonly serverSelectionTimeoutMS?: number;
}

/**
 * The MongoDB read store (also runs on FerretDB): one collection `rm_<name>` per read-model
 * collection holding the documents as they are, and a `checkpoints` collection. A document
 * is first inserted; when its `_id` is taken, it is written by a guarded single-document
 * replace (filter `_position < new position`), which matches nothing, the no-op, when the
 * stored document is already at or past that position.
 * No multi-document transactions and no change streams, so a standalone server will do.
 * A lease is kept in the checkpoint document of the same name (owner, token, expiry), so a
 * fenced checkpoint write is one updateOne filtered on the token.
 */
export class MongoReadStore implements ReadStore {
  private readonly checkpoints: Collection<CheckpointDocument>;

  constructor(
    private readonly db: Db,
    private readonly client?: MongoClient,
  ) {
    this.checkpoints = db.collection<CheckpointDocument>('checkpoints');
  }

  async prepare(collections: readonly CollectionSpec[]): Promise<void> {
    await this.guard(async () => {
      for (const spec of collections) {
        const collection = this.collection(spec.name);
        for (const fields of spec.indexes) {
          const keys = Object.fromEntries(fields.map((field) => [checkedName(field, 'field'), 1 as const]));
          // Same keys and default options as an existing index: the server treats it as a no-op.
          if (fields.length > 0) await collection.createIndex(keys);
        }
      }
    });
  }

  async get<T extends ReadDocument>(collection: string, id: string): Promise<T | null> {
    const found = await this.guard(() => this.collection(collection).findOne({ _id: id }));
    return (found as T | null) ?? null;
  }

  async getMany<T extends ReadDocument>(collection: string, ids: readonly string[]): Promise<Map<string, T>> {
    const found = new Map<string, T>();
    const unique = [...new Set(ids)];
    if (unique.length === 0) return found;
    // One id: an equality, which FerretDB hands to its storage as a filter; it reads `$in` by
    // fetching the whole collection. MongoDB serves both from the `_id` index.
    const filter: Filter<StoredDocument> = unique.length === 1 ? { _id: unique[0]! } : { _id: { $in: unique } };
    const documents = await this.guard(() => this.collection(collection).find(filter).toArray());
    for (const document of documents) found.set(document._id, document as T);
    return found;
  }

  async putMany(collection: string, documents: readonly ReadDocument[]): Promise<void> {
    if (documents.length === 0) return;
    const target = this.collection(collection);
    // Insert first, without reading: an insert is checked against the `_id` index alone, on
    // MongoDB and on FerretDB, while a filtered read or update makes FerretDB scan the
    // collection (on PostgreSQL, an `_id` filter is a containment test that no index serves;
    // `$in` is not handed to PostgreSQL at all, so every document travels to FerretDB). A
    // document already stored fails its insert with a duplicate key and takes a guarded
    // replace instead, which is then the only scan it costs.
    const stored: ReadDocument[] = [];
    for (let start = 0; start < documents.length; start += INSERT_CHUNK) {
      const chunk = documents.slice(start, start + INSERT_CHUNK);
      stored.push(...(await this.guard(() => insertNew(target, chunk))));
    }
    // Small bulks: FerretDB 1.24 keeps a storage connection for each update of a bulk until
    // the whole bulk is done, and needs one more to write, so a bulk as large as its pool (50
    // PostgreSQL connections by default) never returns. MongoDB does not care.
    for (let start = 0; start < stored.length; start += BULK_CHUNK) {
      const operations = stored.slice(start, start + BULK_CHUNK).map(guardedReplace);
      await this.guard(() => target.bulkWrite(operations, { ordered: false, ignoreUndefined: true }));
    }
  }

  async find<T extends ReadDocument>(collection: string, options: FindOptions = {}): Promise<T[]> {
    const filter = toFilter(options.where ?? {});
    const order = [...(options.orderBy ?? []).map((field) => checkedName(field, 'field')), '_id'];
    const direction = options.direction === 'desc' ? -1 : 1;
    const clauses: Filter<StoredDocument>[] = Object.keys(filter).length > 0 ? [filter] : [];
    if (options.after !== undefined) {
      if (options.after.length !== order.length) throw new Error('cursor does not match the sort order');
      clauses.push(keysetAfter(order, options.after, direction));
    }
    const sort: Sort = Object.fromEntries(order.map((field) => [field, direction]));
    const query = clauses.length === 0 ? {} : clauses.length === 1 ? clauses[0]! : { $and: clauses };
    const documents = await this.guard(() => {
      let cursor = this.collection(collection).find(query).sort(sort);
      if (options.offset !== undefined && options.offset > 0) cursor = cursor.skip(options.offset);
      if (options.limit !== undefined) {
        // Mongo reads limit(0) as "no limit"; the port, like SQL, means "nothing" (and a
        // negative limit, as in SQLite, means no limit).
        if (options.limit === 0) return Promise.resolve([]);
        if (options.limit > 0) cursor = cursor.limit(options.limit);
      }
      return cursor.toArray();
    });
    return documents as T[];
  }

  async count(collection: string, where: Where = {}): Promise<number> {
    const filter = toFilter(where);
    return this.guard(() => this.collection(collection).countDocuments(filter));
  }

  async clear(collection: string): Promise<void> {
    await this.guard(() => this.collection(collection).deleteMany({}));
  }

  async startBulkLoad(collections: readonly CollectionSpec[]): Promise<BulkLoad> {
    await this.guard(async () => {
      for (const spec of collections) await emptyWithoutIndexes(this.collection(spec.name));
    });
    return {
      write: (collection, inserted, replaced) => this.guard(() => bulkWrite(this.collection(collection), inserted, replaced)),
      finish: () => this.prepare(collections),
    };
  }

  async getCheckpoint(projection: string): Promise<number> {
    const found = await this.guard(() => this.checkpoints.findOne({ _id: projection }));
    return found?.position ?? 0;
  }

  async saveCheckpoint(projection: string, position: number, fence?: number): Promise<void> {
    if (fence !== undefined) {
      // No upsert: a fenced write needs the lease, hence the document, to exist.
      const result = await this.guard(() =>
        this.checkpoints.updateOne({ _id: projection, leaseToken: fence, position: { $lt: position } }, { $set: { position } }),
      );
      if (result.matchedCount > 0) return;
      // Nothing matched: either the checkpoint is already at or past this position (ignored,
      // as unfenced) or the token is not the stored one any more (refused).
      const stored = await this.guard(() => this.checkpoints.findOne({ _id: projection }));
      if (stored?.leaseToken !== fence) throw new LeaseLostError(projection, fence);
      return;
    }
    await this.guard(async () => {
      try {
        await this.checkpoints.updateOne({ _id: projection, position: { $lt: position } }, { $set: { position } }, { upsert: true });
      } catch (error) {
        // Stored at or past this position already: moving backwards is ignored.
        if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
      }
    });
  }

  async resetCheckpoint(projection: string, position: number): Promise<void> {
    await this.guard(() => this.checkpoints.updateOne({ _id: projection }, { $set: { position } }, { upsert: true }));
  }

  async acquireLease(name: string, owner: string, ttlMs: number, now: number = Date.now()): Promise<Lease | null> {
    const expiresAt = now + ttlMs;
    return this.guard(async () => {
      // Ours already (expired or not, as long as nobody took it over): renew, same token.
      const renewed = await this.checkpoints.findOneAndUpdate(
        { _id: name, leaseOwner: owner },
        { $set: { leaseExpiresAt: expiresAt } },
        { returnDocument: 'after' },
      );
      if (renewed) return { name, owner, token: renewed.leaseToken ?? 0, expiresAt };
      // Free or expired: take it with the next token. On a missing document the upsert
      // inserts it (token 1, checkpoint 0); when the document exists but is held by someone
      // else, the filter fails, the upsert collides on `_id`, and the duplicate key means "no".
      try {
        const taken = await this.checkpoints.findOneAndUpdate(
          { _id: name, $or: [{ leaseOwner: null }, { leaseExpiresAt: { $lte: now } }] },
          { $set: { leaseOwner: owner, leaseExpiresAt: expiresAt }, $inc: { leaseToken: 1 }, $setOnInsert: { position: 0 } },
          { upsert: true, returnDocument: 'after' },
        );
        if (taken?.leaseOwner !== owner) return null;
        return { name, owner, token: taken.leaseToken ?? 0, expiresAt };
      } catch (error) {
        if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return null;
        throw error;
      }
    });
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.guard(() => this.checkpoints.updateOne({ _id: name, leaseOwner: owner }, { $set: { leaseOwner: null, leaseExpiresAt: 0 } }));
  }

  async getLease(name: string): Promise<StoredLease | null> {
    const found = await this.guard(() => this.checkpoints.findOne({ _id: name }));
    if (!found || found.leaseToken === undefined) return null;
    return { name, owner: found.leaseOwner ?? null, token: found.leaseToken, expiresAt: found.leaseExpiresAt ?? 0 };
  }

  async close(): Promise<void> {
    await this.client?.close();
  }

  private collection(name: string): Collection<StoredDocument> {
    return this.db.collection<StoredDocument>(`rm_${checkedName(name, 'collection')}`);
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUnavailable(error)) throw new StoreUnavailableError('the MongoDB read store is unavailable', { cause: error });
      throw error;
    }
  }
}

/**
 * Connects to the server of a `mongodb://` URL and opens the read store on the database
 * named in its path (`ledger` when the path names none). The store closes the client.
 */
export const openMongoReadStore = async (url: string, options: MongoReadStoreOptions = {}): Promise<MongoReadStore> => {
  const client = new MongoClient(url, {
    appName: 'privacy-ledger',
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5000,
    // Like JSON (the embedded store): a field set to undefined is left out, not stored as null.
    ignoreUndefined: true,
  });
  try {
    await client.connect();
  } catch (error) {
    await client.close().catch(() => undefined);
    if (isUnavailable(error)) throw new StoreUnavailableError('the MongoDB read store is unavailable', { cause: error });
    throw error;
  }
  return new MongoReadStore(client.db(databaseOf(url)), client);
};

/**
 * Replaces the whole stored document (the port stores documents as they are, so a field left
 * out of a newer version must not survive) unless it is at or past this one's position, in
 * which case the filter matches nothing and nothing changes. No upsert: the `_id` was found
 * taken by the insert, and documents are removed only by `clear()`, ahead of a rebuild that
 * writes them again. So the write raises no duplicate key, which FerretDB 1.x would treat as
 * the end of the whole bulk, ordered or not.
 */
const guardedReplace = (document: ReadDocument): AnyBulkWriteOperation<StoredDocument> => ({
  replaceOne: {
    filter: { _id: document._id, _position: { $lt: document._position } },
    replacement: { ...document },
  },
});

/** Guarded replaces per bulk write (see putMany). */
const BULK_CHUNK = 10;
/** Documents per insert command (FerretDB inserts them in one transaction when none is stored yet). */
const INSERT_CHUNK = 200;

/**
 * Inserts the documents whose `_id` is free and returns the others (a duplicate key: stored
 * already, at whatever position). MongoDB and FerretDB both go on past a duplicate in an
 * unordered insert and report each one. Should a server stop early all the same, the chunk
 * is inserted again one document at a time and returned whole: the guarded replace that
 * follows changes nothing where the stored document is the one just inserted.
 */
const insertNew = async (collection: Collection<StoredDocument>, documents: readonly ReadDocument[]): Promise<ReadDocument[]> => {
  try {
    await collection.insertMany(
      documents.map((document) => ({ ...document }) as StoredDocument),
      { ordered: false, ignoreUndefined: true },
    );
    return [];
  } catch (error) {
    if (!(error instanceof MongoBulkWriteError) || error.err !== undefined) throw error;
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    if (writeErrors.length === 0 || writeErrors.some((writeError) => writeError.code !== DUPLICATE_KEY)) throw error;
    if (error.result.insertedCount + writeErrors.length < documents.length) {
      // Some were neither inserted nor refused: insert those that are still free one by one.
      for (const document of documents) {
        await collection.insertOne({ ...document } as StoredDocument, { ignoreUndefined: true }).catch((single: unknown) => {
          if (!(single instanceof MongoServerError && single.code === DUPLICATE_KEY)) throw single;
        });
      }
      return [...documents];
    }
    return writeErrors.map((writeError) => documents[writeError.index]!);
  }
};

/** MongoDB's error for a collection that does not exist. */
const NAMESPACE_NOT_FOUND = 26;
/** New documents per insert command of a bulk load. */
const BULK_LOAD_CHUNK = 1000;

/** Deletes every document and every index but `_id`'s (a collection never created is left as is). */
const emptyWithoutIndexes = async (collection: Collection<StoredDocument>): Promise<void> => {
  await collection.deleteMany({});
  try {
    await collection.dropIndexes();
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === NAMESPACE_NOT_FOUND)) throw error;
  }
};

/**
 * A bulk load's write: new documents by insertMany, earlier ones replaced by `_id` alone
 * (no position guard, which FerretDB would serve by scanning the collection).
 */
const bulkWrite = async (
  collection: Collection<StoredDocument>,
  inserted: readonly ReadDocument[],
  replaced: readonly ReadDocument[],
): Promise<void> => {
  for (let start = 0; start < inserted.length; start += BULK_LOAD_CHUNK) {
    const chunk = inserted.slice(start, start + BULK_LOAD_CHUNK).map((document) => ({ ...document }) as StoredDocument);
    await collection.insertMany(chunk, { ordered: false, ignoreUndefined: true });
  }
  // As small as the live path's bulks: FerretDB 1.24 stalls on large bulks of replaces.
  for (let start = 0; start < replaced.length; start += BULK_CHUNK) {
    const operations = replaced.slice(start, start + BULK_CHUNK).map((document): AnyBulkWriteOperation<StoredDocument> => ({
      replaceOne: { filter: { _id: document._id }, replacement: { ...document }, upsert: true },
    }));
    await collection.bulkWrite(operations, { ordered: false, ignoreUndefined: true });
  }
};

const isCondition = (value: Scalar | Condition): value is Condition => value !== null && typeof value === 'object';

const toFilter = (where: Where): Filter<StoredDocument> => {
  const filter: Document = {};
  for (const [name, raw] of Object.entries(where)) {
    const field = checkedName(name, 'field');
    const condition: Condition = isCondition(raw) ? raw : { eq: raw };
    if ('eq' in condition) {
      // `{ field: null }` matches a missing field as well as null, like SQL's IS NULL here.
      filter[field] = condition.eq;
    } else if ('in' in condition) {
      filter[field] = { $in: [...condition.in] };
    } else if ('nin' in condition) {
      filter[field] = { $nin: [...condition.nin] };
    } else if ('contains' in condition) {
      // On an array field, equality with a scalar matches when any element equals it.
      filter[field] = condition.contains;
    } else {
      const range: Document = {};
      if (condition.gt !== undefined) range['$gt'] = condition.gt;
      if (condition.gte !== undefined) range['$gte'] = condition.gte;
      if (condition.lt !== undefined) range['$lt'] = condition.lt;
      if (condition.lte !== undefined) range['$lte'] = condition.lte;
      if (Object.keys(range).length > 0) filter[field] = range;
    }
  }
  return filter as Filter<StoredDocument>;
};

/**
 * Documents strictly after the cursor in the sort order `[f1, f2, ..., _id]`:
 * `f1 > v1 OR (f1 = v1 AND f2 > v2) OR ...` (`<` when descending).
 */
const keysetAfter = (order: readonly string[], after: readonly Scalar[], direction: 1 | -1): Filter<StoredDocument> => {
  const branches: Document[] = order.map((field, i) => {
    const branch: Document = beyond(field, after[i] ?? null, direction);
    for (let j = 0; j < i; j++) branch[order[j]!] = after[j] ?? null;
    return branch;
  });
  return { $or: branches } as Filter<StoredDocument>;
};

/**
 * The branch condition "past this value" in the sort direction, for values of one type.
 * MongoDB sorts null (and a missing field) before every other value, while `$gt`/`$lt`
 * compare only within a type, so null needs its own cases.
 */
const beyond = (field: string, value: Scalar, direction: 1 | -1): Document => {
  if (value === null) return direction === 1 ? { [field]: { $ne: null } } : { [field]: { $in: [] } };
  if (direction === 1) return { [field]: { $gt: value } };
  return { $or: [{ [field]: { $lt: value } }, { [field]: null }] };
};
