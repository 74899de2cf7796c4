import { isSqliteUnavailable, type SqliteDatabase } from './sqlite-file.js';

export interface GroupCommitOptions<T = unknown> {
  /** Turns a "store cannot work" SQLite error (disk full, locked, I/O) into the store's own error. */
  readonly unavailable: (error: unknown) => Error;
  /** At most this many writes share one transaction; the rest go in the next one. Default 256. */
  readonly maxBatch?: number;
  /**
   * Called after every successful COMMIT, before any writer of that batch is answered, with
   * the results of the writes the batch committed (not those rolled back to their savepoint).
   */
  readonly afterCommit?: (committed: readonly T[]) => void;
}

/** How many transactions and writes a committer has committed (for tests and metrics). */
export interface GroupCommitStats {
  readonly commits: number;
  readonly writes: number;
  readonly largestBatch: number;
}

interface QueuedWrite {
  readonly work: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** A drain's place in the queue: it writes nothing and is not counted. */
  readonly marker?: boolean;
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

export const DEFAULT_MAX_BATCH = 256;

/**
 * Group commit for one SQLite connection opened with synchronous=FULL: writes that arrive
 * together share one transaction, so they share its one fsync, and each writer is answered
 * only after that COMMIT returned (so "resolved" still means "on disk").
 *
 * Each write runs inside a SAVEPOINT of the batch's transaction: a write that throws (a wrong
 * expected revision, a constraint) is rolled back alone and only its caller gets the error; the
 * others of the batch are committed. A failed BEGIN or COMMIT, or a store-unavailable error
 * inside a write (after which SQLite may have rolled the whole transaction back), rejects every
 * write of the batch and leaves none of it visible.
 *
 * How batches form: the first write queued schedules a flush with setImmediate, which runs in
 * the same event-loop turn once the I/O callbacks and their microtasks are done. So every
 * request whose data arrived in that turn and reached its write without real I/O joins the
 * batch, and a lone write waits for no timer at all (no artificial delay: a sleep would add its
 * full length to the latency of every quiet-period request). better-sqlite3 is synchronous, so
 * the fsync blocks the event loop; the requests that arrive meanwhile wait in the socket buffers
 * and are read together in the next turn, which is what makes batches grow with load. The batch
 * size is capped because one write costs tens of microseconds and the fsync a few milliseconds:
 * past a few hundred writes the first writer would wait longer for the others' CPU than the
 * shared fsync saves it; the rest of the queue goes in the next flush.
 *
 * Writes must be synchronous functions of the connection (better-sqlite3 statements). A
 * transaction is never open across event-loop turns, so other code may use the same connection
 * directly between flushes (reads, a WAL checkpoint).
 */
export class SqliteGroupCommitter<T = unknown> {
  private queue: QueuedWrite[] = [];
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly statements;
  private counters = { commits: 0, writes: 0, largestBatch: 0 };

  constructor(
    private readonly db: SqliteDatabase,
    private readonly options: GroupCommitOptions<T>,
  ) {
    this.maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
    if (!Number.isSafeInteger(this.maxBatch) || this.maxBatch < 1) throw new RangeError('maxBatch must be a positive integer');
    this.statements = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      savepoint: db.prepare('SAVEPOINT group_write'),
      release: db.prepare('RELEASE group_write'),
      rollbackTo: db.prepare('ROLLBACK TO group_write'),
    };
  }

  /** Runs `work` in the next batch; settles after that batch's COMMIT (or its failure). */
  run<R extends T>(work: () => R): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Resolves once every write queued before this call has been committed or rejected. */
  async drain(): Promise<void> {
    if (this.queue.length === 0 && !this.scheduled) return;
    await new Promise<void>((resolve) => {
      this.queue.push({ work: () => undefined, resolve: () => resolve(), reject: () => resolve(), marker: true });
      this.schedule();
    });
  }

  get stats(): GroupCommitStats {
    return { ...this.counters };
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue.splice(0, this.maxBatch);
    if (this.queue.length > 0) this.schedule();
    if (batch.every((write) => write.marker)) for (const write of batch) write.resolve(undefined);
    else this.commit(batch);
  }

  private commit(batch: readonly QueuedWrite[]): void {
    try {
      this.statements.begin.run();
    } catch (error) {
      this.abort(batch, error);
      return;
    }
    const outcomes: Outcome[] = [];
    for (const write of batch) {
      try {
        this.statements.savepoint.run();
      } catch (error) {
        this.abort(batch, error);
        return;
      }
      try {
        const value = write.work();
        this.statements.release.run();
        outcomes.push({ ok: true, value });
      } catch (error) {
        // After an I/O or disk-full error SQLite may have rolled back the whole transaction;
        // going on would run the next writes in autocommit mode, each its own commit.
        if (isSqliteUnavailable(error) || !this.db.inTransaction) {
          this.abort(batch, error);
          return;
        }
        try {
          this.statements.rollbackTo.run();
          this.statements.release.run();
        } catch (rollbackError) {
          this.abort(batch, rollbackError);
          return;
        }
        outcomes.push({ ok: false, error });
      }
    }
    try {
      this.statements.commit.run();
    } catch (error) {
      this.abort(batch, error);
      return;
    }
    this.counters.commits++;
    const writes = batch.filter((write) => !write.marker).length;
    this.counters.writes += writes;
    this.counters.largestBatch = Math.max(this.counters.largestBatch, writes);
    try {
      this.options.afterCommit?.(outcomes.flatMap((outcome, index) => (outcome.ok && !batch[index]!.marker ? [outcome.value as T] : [])));
    } catch (error) {
      // The batch is committed: a failing hook must neither turn its writes into errors nor,
      // thrown from a setImmediate callback, end the process.
      process.emitWarning(`group commit: afterCommit failed (${(error as Error).message})`);
    }
    batch.forEach((write, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(outcome.error);
    });
  }

  /** Nothing of the batch is kept: every writer gets the failure. */
  private abort(batch: readonly QueuedWrite[], error: unknown): void {
    if (this.db.open && this.db.inTransaction) {
      try {
        this.statements.rollback.run();
      } catch {
        // The transaction is already gone (SQLite rolled it back itself): nothing to undo.
      }
    }
    const failure = isSqliteUnavailable(error) ? this.options.unavailable(error) : error;
    for (const write of batch) write.reject(failure);
  }
}
