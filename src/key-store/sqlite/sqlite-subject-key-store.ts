import { StoreUnavailableError } from '../../platform/store-errors.js';
import { isSqliteUnavailable, openSqliteFile, type SqliteDatabase } from '../../platform/sqlite/sqlite-file.js';
import { SqliteGroupCommitter } from '../../platform/sqlite/sqlite-group-commit.js';
import { subjectKeyId, type SubjectKeyRecord, type SubjectKeyStore } from '../subject-key-store.port.js';

interface Row {
  id: string;
  tenant_id: string;
  subject_id: string;
  wrapped_key: Buffer;
  master_key_id: string;
  created_at: string;
  shred_requested_at: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS subject_keys (
  id                 TEXT PRIMARY KEY,
  tenant_id          TEXT NOT NULL,
  subject_id         TEXT NOT NULL,
  wrapped_key        BLOB NOT NULL,
  master_key_id      TEXT NOT NULL,
  created_at         TEXT NOT NULL,
  shred_requested_at TEXT
);
CREATE INDEX IF NOT EXISTS subject_keys_marked ON subject_keys (shred_requested_at) WHERE shred_requested_at IS NOT NULL;
`;

/** SQLite allows 32766 bound parameters; lookups are chunked well below that. */
const LOOKUP_CHUNK = 500;

/**
 * The embedded subject-key store: its own file (keys.sqlite), so that it can be kept,
 * backed up and destroyed apart from the event log.
 *
 * Shredding must leave no copy of a wrapped key in any file. `secure_delete` zeroes the deleted
 * row in the database file; in WAL mode the pages that held it also sit in older frames of the
 * -wal file, which outlive the commit and even an ordinary checkpoint (frames are reused, not
 * erased). So every delete is followed by a TRUNCATE checkpoint: all frames are copied into the
 * (zeroed) database file and the -wal file is cut to zero bytes. It waits for readers through the
 * busy timeout; if one still holds an old snapshot it reports the store unavailable (the caller
 * logs it), and the next delete or the next open truncates again.
 *
 * Why WAL and not a rollback journal (journal_mode=DELETE, whose journal is unlinked at every
 * commit and so needs no checkpoint): the key must be durable before the events sealed with it
 * are appended, so creating a subject's key costs a synchronous commit on the path of every new
 * subject's first command. WAL commits with one fsync, the rollback journal with two or three;
 * measured through the app (docs/performance.md), about 140 new-subject consents per second with
 * WAL against about 105 with the rollback journal (about 200 without encryption). Deletions, which pay for the checkpoint, happen
 * once per completed erasure. (Blocks of a truncated file may persist on the disk itself until
 * reused: docs/privacy.md says what shredding does not cover.)
 *
 * Key creations and shredding marks are group-committed (src/platform/sqlite/sqlite-group-commit.ts):
 * the first commands of new subjects that arrive together share one synchronous commit, and
 * each caller is answered only after it, so a key is still durable before any event sealed
 * with it is appended. Deletions stay outside: their TRUNCATE checkpoint cannot run inside a
 * transaction (a batch never stays open across event-loop turns, so they never meet one).
 */
export class SqliteSubjectKeyStore implements SubjectKeyStore {
  private readonly statements;
  private readonly committer: SqliteGroupCommitter;

  constructor(
    private readonly db: SqliteDatabase,
    options: { readonly maxBatch?: number } = {},
  ) {
    db.exec(SCHEMA);
    // A delete whose truncation was interrupted (a crash, a reader) is finished now.
    db.pragma('wal_checkpoint(TRUNCATE)');
    this.statements = {
      insert: db.prepare(
        `INSERT INTO subject_keys (id, tenant_id, subject_id, wrapped_key, master_key_id, created_at)
         VALUES (@id, @tenantId, @subjectId, @wrappedKey, @masterKeyId, @createdAt)
         ON CONFLICT (id) DO NOTHING`,
      ),
      byId: db.prepare<[string], Row>('SELECT * FROM subject_keys WHERE id = ?'),
      // The ids as one JSON array: one prepared statement for any number of them (an audit
      // stream looks up a page's subjects at a time), instead of compiling SQL per lookup.
      byIds: db.prepare<[string], Row>('SELECT * FROM subject_keys WHERE id IN (SELECT value FROM json_each(?))'),
      delete: db.prepare<[string]>('DELETE FROM subject_keys WHERE id = ?'),
      mark: db.prepare<[string, string]>('UPDATE subject_keys SET shred_requested_at = ? WHERE id = ? AND shred_requested_at IS NULL'),
      marked: db.prepare<[], Row>('SELECT * FROM subject_keys WHERE shred_requested_at IS NOT NULL ORDER BY shred_requested_at'),
      anyFingerprint: db.prepare<[], { master_key_id: string }>('SELECT master_key_id FROM subject_keys LIMIT 1'),
    };
    this.committer = new SqliteGroupCommitter(db, {
      ...options,
      unavailable: (error) => new StoreUnavailableError('the subject-key store is unavailable', { cause: error }),
    });
  }

  async insertIfAbsent(record: SubjectKeyRecord): Promise<SubjectKeyRecord> {
    const id = subjectKeyId(record.tenantId, record.subjectId);
    return this.committer.run(() => {
      // One connection, one synchronous call: nothing runs between the insert and the read.
      this.statements.insert.run({ ...record, id });
      const row = this.statements.byId.get(id);
      if (!row) throw new Error(`subject key ${id} vanished right after it was stored`);
      return toRecord(row);
    });
  }

  async findMany(ids: readonly string[]): Promise<Map<string, SubjectKeyRecord>> {
    const unique = [...new Set(ids)];
    const found = new Map<string, SubjectKeyRecord>();
    if (unique.length === 1) {
      // The write path's case (one subject per command): a prepared statement, no SQL to compile.
      const row = this.guard(() => this.statements.byId.get(unique[0]!));
      if (row) found.set(row.id, toRecord(row));
      return found;
    }
    for (let start = 0; start < unique.length; start += LOOKUP_CHUNK) {
      const chunk = unique.slice(start, start + LOOKUP_CHUNK);
      const rows = this.guard(() => this.statements.byIds.all(JSON.stringify(chunk)));
      for (const row of rows) found.set(row.id, toRecord(row));
    }
    return found;
  }

  async delete(id: string): Promise<boolean> {
    const deleted = this.guard(() => this.statements.delete.run(id).changes > 0);
    if (deleted) this.truncateLog();
    return deleted;
  }

  /** Moves every WAL frame into the database file and empties the -wal file (see the class comment). */
  private truncateLog(): void {
    const [result] = this.guard(() => this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[]);
    if (result?.busy) {
      throw new StoreUnavailableError(
        'keys.sqlite-wal could not be truncated after a key was deleted (a reader holds an old snapshot); the next delete or start retries',
      );
    }
  }

  async markForShredding(id: string, at: string): Promise<void> {
    await this.committer.run(() => this.statements.mark.run(at, id));
  }

  async markedForShredding(): Promise<SubjectKeyRecord[]> {
    return this.guard(() => this.statements.marked.all().map(toRecord));
  }

  async anyFingerprint(): Promise<string | null> {
    return this.guard(() => this.statements.anyFingerprint.get()?.master_key_id ?? null);
  }

  async close(): Promise<void> {
    await this.committer.drain();
    if (this.db.open) this.db.close();
  }

  private guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (isSqliteUnavailable(error)) throw new StoreUnavailableError('the subject-key store is unavailable', { cause: error });
      throw error;
    }
  }
}

/** Opens keys.sqlite the way the store needs it (see the class comment): WAL, FULL, secure_delete. */
export const openSqliteSubjectKeyStore = (path: string, options: { readonly maxBatch?: number } = {}): SqliteSubjectKeyStore =>
  new SqliteSubjectKeyStore(openSqliteFile(path, { synchronous: 'FULL', secureDelete: true }), options);

const toRecord = (row: Row): SubjectKeyRecord => ({
  tenantId: row.tenant_id,
  subjectId: row.subject_id,
  wrappedKey: Buffer.from(row.wrapped_key),
  masterKeyId: row.master_key_id,
  createdAt: row.created_at,
});
