import { afterAll, afterEach, describe, expect, it, jest } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { openSqliteFile, type SqliteDatabase } from './sqlite-file.js';
import { SqliteGroupCommitter } from './sqlite-group-commit.js';

const dir = mkdtempSync(join(tmpdir(), 'ledger-group-commit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

class Unavailable extends Error {}

/** A file with a plain table and a table whose foreign key is checked only at COMMIT. */
const aDatabase = (): { db: SqliteDatabase; path: string } => {
  const path = join(dir, `${randomUUID()}.sqlite`);
  const db = openSqliteFile(path);
  db.exec(`
    CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
    CREATE TABLE parents (id INTEGER PRIMARY KEY);
    CREATE TABLE children (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED);
  `);
  return { db, path };
};

const committerOn = (db: SqliteDatabase, afterCommit?: (committed: readonly unknown[]) => void, maxBatch?: number) =>
  new SqliteGroupCommitter(db, {
    unavailable: (error) => new Unavailable('unavailable', { cause: error }),
    ...(afterCommit && { afterCommit }),
    ...(maxBatch !== undefined && { maxBatch }),
  });

/** Reads through a connection of its own: only committed rows are visible to it. */
const committedNotes = (path: string): string[] => {
  const reader = new Database(path, { readonly: true });
  try {
    return reader.prepare<[], { text: string }>('SELECT text FROM notes ORDER BY id').all().map((row) => row.text);
  } finally {
    reader.close();
  }
};

describe('SqliteGroupCommitter', () => {
  const opened: SqliteDatabase[] = [];
  afterEach(() => {
    jest.useRealTimers();
    for (const db of opened.splice(0)) if (db.open) db.close();
  });
  const fresh = () => {
    const file = aDatabase();
    opened.push(file.db);
    return file;
  };
  const note = (db: SqliteDatabase, text: string) => () => Number(db.prepare('INSERT INTO notes (text) VALUES (?)').run(text).lastInsertRowid);

  it('writes what is queued in one event-loop turn in one transaction, in the order it was queued', async () => {
    const { db, path } = fresh();
    const committer = committerOn(db);

    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => committer.run(note(db, `n${i}`))));

    expect(ids).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(committedNotes(path)).toEqual(Array.from({ length: 30 }, (_, i) => `n${i}`));
    expect(committer.stats).toEqual({ commits: 1, writes: 30, largestBatch: 30 });
  });

  it('settles a writer only after its COMMIT, and tells afterCommit first', async () => {
    const { db, path } = fresh();
    const seenByAfterCommit: string[][] = [];
    const committer = committerOn(db, () => seenByAfterCommit.push(committedNotes(path)));

    const pending = committer.run(note(db, 'a'));
    // Queued, not yet written: another connection sees nothing.
    expect(committedNotes(path)).toEqual([]);
    await pending;

    expect(seenByAfterCommit).toEqual([['a']]);
  });

  it('still answers the writers of a committed batch when afterCommit throws', async () => {
    const { db, path } = fresh();
    const committer = committerOn(db, () => {
      throw new Error('listener bug');
    });

    await expect(committer.run(note(db, 'kept'))).resolves.toBe(1);

    expect(committedNotes(path)).toEqual(['kept']);
    await expect(committer.run(note(db, 'next'))).resolves.toBe(2);
  });

  it('answers a lone write without waiting for any timer', async () => {
    const { db } = fresh();
    const committer = committerOn(db);
    // setTimeout and setInterval never fire while faked and not advanced.
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });

    await expect(committer.run(note(db, 'alone'))).resolves.toBe(1);
    expect(committer.stats.commits).toBe(1);
  });

  it('rolls back only the write that throws; the others of the batch are committed', async () => {
    const { db, path } = fresh();
    const committed: unknown[][] = [];
    const committer = committerOn(db, (values) => committed.push([...values]));
    const halfDone = () => {
      db.prepare('INSERT INTO notes (text) VALUES (?)').run('half');
      db.prepare('INSERT INTO notes (text) VALUES (?)').run('first'); // UNIQUE violation
      return 0;
    };

    const results = await Promise.allSettled([committer.run(note(db, 'first')), committer.run(halfDone), committer.run(note(db, 'last'))]);

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
    expect(committedNotes(path)).toEqual(['first', 'last']);
    // The rolled-back row left no gap: 'last' took the id 'half' had for a moment.
    expect(results[2]).toEqual({ status: 'fulfilled', value: 2 });
    expect(committed).toEqual([[1, 2]]);
    expect(committer.stats.commits).toBe(1);
  });

  it('rejects every write of the batch and keeps none of it when the COMMIT fails', async () => {
    const { db, path } = fresh();
    const afterCommit = jest.fn();
    const committer = committerOn(db, afterCommit);
    // A deferred foreign key is checked by COMMIT itself: a real failing COMMIT.
    const orphan = () => db.prepare('INSERT INTO children (parent_id) VALUES (42)').run().changes;

    const results = await Promise.allSettled([committer.run(note(db, 'a')), committer.run(orphan), committer.run(note(db, 'b'))]);

    expect(results.every((result) => result.status === 'rejected')).toBe(true);
    expect(results.map((result) => (result as PromiseRejectedResult).reason.code)).toEqual(Array(3).fill('SQLITE_CONSTRAINT_FOREIGNKEY'));
    expect(committedNotes(path)).toEqual([]);
    expect(db.inTransaction).toBe(false);
    expect(afterCommit).not.toHaveBeenCalled();
    expect(committer.stats.commits).toBe(0);

    // The connection is usable again: the next batch commits.
    await expect(committer.run(note(db, 'c'))).resolves.toBe(1);
    expect(committedNotes(path)).toEqual(['c']);
  });

  it('rejects the whole batch as unavailable when BEGIN cannot take the write lock, and recovers', async () => {
    const { db, path } = fresh();
    db.pragma('busy_timeout = 20');
    const committer = committerOn(db);
    const other = new Database(path);
    other.prepare('BEGIN IMMEDIATE').run();

    const results = await Promise.allSettled([committer.run(note(db, 'a')), committer.run(note(db, 'b'))]);
    other.prepare('ROLLBACK').run();
    other.close();

    expect(results.map((result) => (result as PromiseRejectedResult).reason)).toEqual([expect.any(Unavailable), expect.any(Unavailable)]);
    expect(committedNotes(path)).toEqual([]);
    await committer.run(note(db, 'c'));
    expect(committedNotes(path)).toEqual(['c']);
  });

  it('aborts the whole batch when the disk fills up inside a write, since SQLite may have dropped the transaction', async () => {
    const { db, path } = fresh();
    const committer = committerOn(db);
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 2}`);
    const big = () => db.prepare('INSERT INTO notes (text) VALUES (?)').run('x'.repeat(64 * 1024)).changes;

    const results = await Promise.allSettled([committer.run(note(db, 'small')), committer.run(big), committer.run(note(db, 'after'))]);

    expect(results.map((result) => (result as PromiseRejectedResult).reason)).toEqual(Array(3).fill(expect.any(Unavailable)));
    expect(((results[1] as PromiseRejectedResult).reason as Error).cause).toMatchObject({ code: 'SQLITE_FULL' });
    expect(committedNotes(path)).toEqual([]);
    db.pragma('max_page_count = 1073741823');
    await committer.run(note(db, 'space again'));
    expect(committedNotes(path)).toEqual(['space again']);
  });

  it('splits a burst larger than the batch limit over several commits, in order', async () => {
    const { db, path } = fresh();
    const committer = committerOn(db, undefined, 4);

    await Promise.all(Array.from({ length: 10 }, (_, i) => committer.run(note(db, `n${i}`))));

    expect(committer.stats).toEqual({ commits: 3, writes: 10, largestBatch: 4 });
    expect(committedNotes(path)).toEqual(Array.from({ length: 10 }, (_, i) => `n${i}`));
  });

  it('drains: writes queued before a drain are settled when it resolves', async () => {
    const { db, path } = fresh();
    const committer = committerOn(db);
    let settled = false;
    void committer.run(note(db, 'queued')).then(() => (settled = true));

    await committer.drain();

    expect(settled).toBe(true);
    expect(committedNotes(path)).toEqual(['queued']);
    await committer.drain(); // nothing queued: resolves at once, commits nothing
    expect(committer.stats.commits).toBe(1);
  });
});
