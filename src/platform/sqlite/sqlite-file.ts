import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type SqliteDatabase = Database.Database;

/**
 * Opens an embedded SQLite file the way every embedded store here wants it: WAL so that
 * readers never block the writer, a chosen durability, and a busy timeout so that a
 * second process waits instead of failing.
 */
export interface SqliteFileOptions {
  /**
   * FULL (default): a commit is on disk before it returns, for facts we acknowledge.
   * NORMAL: a crash may lose the last commits but never reorders them (WAL), which is
   * enough for rebuildable read models whose checkpoint is written after their documents.
   */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /** Overwrite deleted content with zeros instead of leaving it in free space (the subject-key store). */
  readonly secureDelete?: boolean;
}

export const openSqliteFile = (path: string, options: SqliteFileOptions = {}): SqliteDatabase => {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  if (options.secureDelete) db.pragma('secure_delete = ON');
  db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
};

const UNAVAILABLE_CODES = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_READONLY']);

/** True for SQLite failures that mean "the store cannot work right now", not a bug. */
export const isSqliteUnavailable = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && [...UNAVAILABLE_CODES].some((prefix) => code.startsWith(prefix));
};
