import { MongoClient, MongoServerError, type Collection } from 'mongodb';
import { StoreUnavailableError } from '../../platform/store-errors.js';
import { databaseOf, isUnavailable } from '../../platform/mongodb/mongodb-helpers.js';
import type { ConfirmationTokenRecord, ConfirmationTokenStore, IssuedConfirmationToken } from '../confirmation-token-store.port.js';

interface TokenDocument {
  /** The token's SHA-256: the only way to find it. */
  _id: string;
  tenantId: string;
  subjectId: string;
  deletionId: string;
  system: string;
  issuedAt: string;
  expiresAt: string;
}

/** A token's one use, under the token's SHA-256. */
interface UseDocument {
  _id: string;
  consumedAt: string;
  consumedWith: string | null;
}

const DUPLICATE_KEY = 11000;

/**
 * Confirmation tokens in MongoDB (`confirmation_tokens`), shared by every instance. A use is
 * an insert into `confirmation_token_uses` under the token's hash: the `_id` index lets one
 * insert in, on MongoDB and on FerretDB alike, where a conditional `updateOne` let several
 * concurrent callers all "modify" the same unused token (the contract suite's concurrent case).
 */
export class MongoConfirmationTokenStore implements ConfirmationTokenStore {
  constructor(
    private readonly tokens: Collection<TokenDocument>,
    private readonly uses: Collection<UseDocument>,
    private readonly client?: MongoClient,
  ) {}

  async save(token: IssuedConfirmationToken): Promise<void> {
    const { tokenSha256, tenantId, subjectId, deletionId, system, issuedAt, expiresAt } = token;
    await guard(() => this.tokens.insertOne({ _id: tokenSha256, tenantId, subjectId, deletionId, system, issuedAt, expiresAt }));
  }

  async find(tokenSha256: string): Promise<ConfirmationTokenRecord | null> {
    const found = await guard(() => this.tokens.findOne({ _id: tokenSha256 }));
    if (!found) return null;
    const use = await guard(() => this.uses.findOne({ _id: tokenSha256 }));
    return {
      tokenSha256: found._id,
      tenantId: found.tenantId,
      subjectId: found.subjectId,
      deletionId: found.deletionId,
      system: found.system,
      issuedAt: found.issuedAt,
      expiresAt: found.expiresAt,
      consumedAt: use?.consumedAt ?? null,
      consumedWith: use?.consumedWith ?? null,
    };
  }

  async consume(tokenSha256: string, at: string, consumedWith: string | null): Promise<boolean> {
    return guard(async () => {
      const token = await this.tokens.findOne({ _id: tokenSha256 });
      if (!token || token.expiresAt <= at) return false;
      try {
        await this.uses.insertOne({ _id: tokenSha256, consumedAt: at, consumedWith });
        return true;
      } catch (error) {
        if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return false;
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    await this.client?.close();
  }
}

const guard = async <T>(work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    if (isUnavailable(error)) throw new StoreUnavailableError('the MongoDB confirmation-token store is unavailable', { cause: error });
    throw error;
  }
};

export const openMongoConfirmationTokenStore = async (
  url: string,
  options: { serverSelectionTimeoutMS?: number } = {},
): Promise<MongoConfirmationTokenStore> => {
  const client = new MongoClient(url, { appName: 'privacy-ledger', serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5000 });
  try {
    await client.connect();
  } catch (error) {
    await client.close().catch(() => undefined);
    if (isUnavailable(error)) throw new StoreUnavailableError('the MongoDB confirmation-token store is unavailable', { cause: error });
    throw error;
  }
  const db = client.db(databaseOf(url));
  return new MongoConfirmationTokenStore(
    db.collection<TokenDocument>('confirmation_tokens'),
    db.collection<UseDocument>('confirmation_token_uses'),
    client,
  );
};
