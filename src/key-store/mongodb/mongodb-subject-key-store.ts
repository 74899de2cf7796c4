import { Binary, MongoClient, MongoServerError, type Collection } from 'mongodb';
import { StoreUnavailableError } from '../../platform/store-errors.js';
import { databaseOf, isUnavailable } from '../../platform/mongodb/mongodb-helpers.js';
import { subjectKeyId, type SubjectKeyRecord, type SubjectKeyStore } from '../subject-key-store.port.js';

interface KeyDocument {
  _id: string;
  tenantId: string;
  subjectId: string;
  wrappedKey: Binary;
  masterKeyId: string;
  createdAt: string;
  shredRequestedAt?: string;
}

const DUPLICATE_KEY = 11000;

/**
 * Subject keys in the `subject_keys` collection of the MONGODB_URL database, so that every
 * ledger instance seals and opens with the same key. A delete removes the document; what the
 * server keeps of it afterwards (journal, not yet compacted data files, oplog, backups) is
 * outside the ledger's reach, see docs/privacy.md.
 */
export class MongoSubjectKeyStore implements SubjectKeyStore {
  constructor(
    private readonly keys: Collection<KeyDocument>,
    private readonly client?: MongoClient,
  ) {}

  /** The index that lets the start-up sweep find marked keys without a collection scan. */
  async prepare(): Promise<void> {
    await guard(() => this.keys.createIndex({ shredRequestedAt: 1 }));
  }

  async insertIfAbsent(record: SubjectKeyRecord): Promise<SubjectKeyRecord> {
    const id = subjectKeyId(record.tenantId, record.subjectId);
    return guard(async () => {
      // A plain insert, checked against the `_id` index alone (an upsert's filter makes FerretDB
      // scan the collection); when it goes in, the stored key is this one, no need to read it back.
      try {
        await this.keys.insertOne({
          _id: id,
          tenantId: record.tenantId,
          subjectId: record.subjectId,
          wrappedKey: new Binary(record.wrappedKey),
          masterKeyId: record.masterKeyId,
          createdAt: record.createdAt,
        });
        return record;
      } catch (error) {
        // Another writer stored a key first: an existing key is never overwritten, theirs wins.
        if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
      }
      const stored = await this.keys.findOne({ _id: id });
      if (!stored) throw new Error(`subject key ${id} vanished right after it was stored`);
      return toRecord(stored);
    });
  }

  async findMany(ids: readonly string[]): Promise<Map<string, SubjectKeyRecord>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    // One id (every command that seals a value): an equality, which FerretDB hands to its
    // storage as a filter; it reads `$in` by fetching the whole collection. MongoDB serves both
    // from the `_id` index.
    const filter = unique.length === 1 ? { _id: unique[0]! } : { _id: { $in: unique } };
    const found = await guard(() => this.keys.find(filter).toArray());
    return new Map(found.map((document) => [document._id, toRecord(document)]));
  }

  async delete(id: string): Promise<boolean> {
    const result = await guard(() => this.keys.deleteOne({ _id: id }));
    return result.deletedCount > 0;
  }

  async markForShredding(id: string, at: string): Promise<void> {
    await guard(() => this.keys.updateOne({ _id: id, shredRequestedAt: { $exists: false } }, { $set: { shredRequestedAt: at } }));
  }

  async markedForShredding(): Promise<SubjectKeyRecord[]> {
    const marked = await guard(() =>
      this.keys
        .find({ shredRequestedAt: { $gt: '' } })
        .sort({ shredRequestedAt: 1 })
        .toArray(),
    );
    return marked.map(toRecord);
  }

  async anyFingerprint(): Promise<string | null> {
    const any = await guard(() => this.keys.findOne({}, { projection: { masterKeyId: 1 } }));
    return any?.masterKeyId ?? null;
  }

  async close(): Promise<void> {
    await this.client?.close();
  }
}

const toRecord = (document: KeyDocument): SubjectKeyRecord => ({
  tenantId: document.tenantId,
  subjectId: document.subjectId,
  wrappedKey: Buffer.from(document.wrappedKey.value()),
  masterKeyId: document.masterKeyId,
  createdAt: document.createdAt,
});

const guard = async <T>(work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    if (isUnavailable(error)) throw new StoreUnavailableError('the MongoDB subject-key store is unavailable', { cause: error });
    throw error;
  }
};

export const openMongoSubjectKeyStore = async (
  url: string,
  options: { serverSelectionTimeoutMS?: number } = {},
): Promise<MongoSubjectKeyStore> => {
  const client = new MongoClient(url, { appName: 'privacy-ledger', serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5000 });
  try {
    await client.connect();
    const store = new MongoSubjectKeyStore(client.db(databaseOf(url)).collection<KeyDocument>('subject_keys'), client);
    await store.prepare();
    return store;
  } catch (error) {
    await client.close().catch(() => undefined);
    if (isUnavailable(error)) throw new StoreUnavailableError('the MongoDB subject-key store is unavailable', { cause: error });
    throw error;
  }
};
