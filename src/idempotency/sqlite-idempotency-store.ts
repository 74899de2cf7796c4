import { StoreUnavailableError } from '../event-store/event-store.port.js';
import { isSqliteUnavailable, type SqliteDatabase } from '../platform/sqlite-file.js';
import type { IdempotencyRecord, IdempotencyStore } from './idempotency-store.port.js';

interface Row {
  tenant_id: string;
  idempotency_key: string;
  fingerprint: string;
  status: number;
  body: string;
  created_at: string;
}

export class SqliteIdempotencyStore implements IdempotencyStore {
  private readonly findStatement;
  private readonly insertStatement;

  constructor(private readonly db: SqliteDatabase) {
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
    guard(() => this.insertStatement.run({ ...record, body: JSON.stringify(record.body) }));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

const guard = <T>(work: () => T): T => {
  try {
    return work();
  } catch (error) {
    if (isSqliteUnavailable(error)) throw new StoreUnavailableError('the idempotency store is unavailable', { cause: error });
    throw error;
  }
};
