import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type SqliteDatabase = Database.Database;

/**
 * Opens an embedded SQLite file the way every embedded store here wants it: WAL so that
 * readers never block the writer, `synchronous=FULL` so that a commit is on disk before it
 * is acknowledged, and a busy timeout so that a second process waits instead of failing.
 */
export const openSqliteFile = (path: string): SqliteDatabase => {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
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
