import { randomUUID } from 'node:crypto';
import { openSqliteFile, type SqliteDatabase } from '../../src/platform/sqlite/sqlite-file.js';
import { SqliteGroupCommitter } from '../../src/platform/sqlite/sqlite-group-commit.js';

/**
 * The store ceiling's storage: one append per request to a SQLite log, as a new user would
 * write it (WAL, synchronous=FULL, UNIQUE(stream, stream_position), a row of about 450 bytes),
 * group-committed by the ledger's own SqliteGroupCommitter, so requests that arrive together
 * share one COMMIT and each is answered only after it. No hashing, sealing, reading back or
 * deciding: what storage alone costs per request.
 */
export class DurableAppend {
  private readonly db: SqliteDatabase;
  private readonly committer: SqliteGroupCommitter<number>;
  private readonly insert;

  constructor(path: string) {
    this.db = openSqliteFile(path);
    this.db.exec(`CREATE TABLE IF NOT EXISTS events (
      position INTEGER PRIMARY KEY,
      stream TEXT NOT NULL,
      stream_position INTEGER NOT NULL,
      id TEXT NOT NULL,
      type TEXT NOT NULL,
      data TEXT NOT NULL,
      metadata TEXT NOT NULL,
      recorded_at TEXT NOT NULL,
      UNIQUE (stream, stream_position)
    )`);
    this.insert = this.db.prepare(
      'INSERT INTO events (stream, stream_position, id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.committer = new SqliteGroupCommitter<number>(this.db, { unavailable: (error) => error as Error });
  }

  /** Resolves with the row's position once its COMMIT has returned (on disk). */
  append(stream: string, type: string, data: unknown, tenantId: string): Promise<number> {
    const row = [
      stream,
      0,
      randomUUID(),
      type,
      JSON.stringify(data),
      JSON.stringify({ tenantId, correlationId: randomUUID() }),
      new Date().toISOString(),
    ];
    return this.committer.run(() => Number(this.insert.run(...row).lastInsertRowid));
  }

  close(): void {
    this.db.close();
  }
}
