import { StoreUnavailableError } from '../../platform/store-errors.js';
import { isSqliteUnavailable, type SqliteDatabase } from '../../platform/sqlite/sqlite-file.js';
import { SqliteGroupCommitter } from '../../platform/sqlite/sqlite-group-commit.js';
import type { IdempotencyRecord, IdempotencyStore } from '../idempotency-store.port.js';

interface Row {
  tenant_id: string;
  idempotency_key: string;
  fingerprint: string;
  status: number;
  body: string;
  created_at: string;
}

/**
 * The embedded idempotency store (idempotency.sqlite, synchronous=FULL). A record is saved
 * after the command's events are committed and before its answer is sent, so it stays durable
 * before the answer; saves of concurrent commands share one commit (group commit), so this
 * costs one fsync per batch of keyed commands, not one per command (docs/performance.md).
 */
export class SqliteIdempotencyStore implements IdempotencyStore {
  private readonly findStatement;
  private readonly insertStatement;
  private readonly committer: SqliteGroupCommitter;

  constructor(
    private readonly db: SqliteDatabase,
    options: { readonly maxBatch?: number } = {},
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS idempotency_keys (
      tenant_id       TEXT    NOT NULL,
      idempotency_key TEXT    NOT NULL,
      fingerprint     TEXT    NOT NULL,
      status          INTEGER NOT NULL,
      body            TEXT    NOT NULL,
      created_at      TEXT    NOT NULL,
      PRIMARY KEY (tenant_id, idempotency_key)
    )`);
    this.findStatement = db.prepare<[string, string], Row>(
      'SELECT * FROM idempotency_keys WHERE tenant_id = ? AND idempotency_key = ?',
    );
    this.insertStatement = db.prepare(
      `INSERT INTO idempotency_keys (tenant_id, idempotency_key, fingerprint, status, body, created_at)
       VALUES (@tenantId, @key, @fingerprint, @status, @body, @createdAt)
       ON CONFLICT (tenant_id, idempotency_key) DO NOTHING`,
    );
    this.committer = new SqliteGroupCommitter(db, { ...options, unavailable });
  }

  async find(tenantId: string, key: string): Promise<IdempotencyRecord | null> {
    const row = guard(() => this.findStatement.get(tenantId, key));
    if (!row) return null;
    return {
      tenantId: row.tenant_id,
      key: row.idempotency_key,
      fingerprint: row.fingerprint,
      status: row.status,
      body: JSON.parse(row.body) as unknown,
      createdAt: row.created_at,
    };
  }

  async save(record: IdempotencyRecord): Promise<void> {
    const body = JSON.stringify(record.body);
    await this.committer.run(() => this.insertStatement.run({ ...record, body }));
  }

  async close(): Promise<void> {
    await this.committer.drain();
    if (this.db.open) this.db.close();
  }
}

const unavailable = (error: unknown): Error => new StoreUnavailableError('the idempotency store is unavailable', { cause: error });

const guard = <T>(work: () => T): T => {
  try {
    return work();
  } catch (error) {
    if (isSqliteUnavailable(error)) throw unavailable(error);
    throw error;
  }
};
