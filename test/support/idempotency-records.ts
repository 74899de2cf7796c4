import Database from 'better-sqlite3';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { mongoFor } from './ledger-app.js';

/** Removes a recorded answer from whichever idempotency store the app on `dataDir` uses. */
export const forgetAnswer = async (dataDir: string, tenantId: string, key: string): Promise<number> => {
  const mongo = mongoFor(dataDir)['MONGODB_URL'];
  if (mongo) {
    const client = await new MongoClient(mongo).connect();
    try {
      const result = await client.db().collection<{ tenantId: string; key: string }>('idempotency_keys').deleteOne({ tenantId, key });
      return result.deletedCount;
    } finally {
      await client.close();
    }
  }
  const db = new Database(join(dataDir, 'idempotency.sqlite'));
  try {
    return db.prepare('DELETE FROM idempotency_keys WHERE tenant_id = ? AND idempotency_key = ?').run(tenantId, key).changes;
  } finally {
    db.close();
  }
};
