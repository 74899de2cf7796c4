import type { SqliteDatabase } from '../../platform/sqlite/sqlite-file.js';
import { isSqliteUnavailable } from '../../platform/sqlite/sqlite-file.js';
import { SqliteGroupCommitter, type GroupCommitOptions, type GroupCommitStats } from '../../platform/sqlite/sqlite-group-commit.js';
import {
  WrongExpectedVersionError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type RawStoredEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  readAllTenants,
  readStreamFrom,
} from '../event-store.port.js';
import { StoreUnavailableError } from '../../platform/store-errors.js';

interface EventRow {
  global_position: number;
  event_id: string;
  stream_id: string;
  stream_position: number;
  type: string;
  occurred_at: string;
  recorded_at: string;
  data: string;
  metadata: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  global_position INTEGER PRIMARY KEY,
  event_id        TEXT    NOT NULL UNIQUE,
  stream_id       TEXT    NOT NULL,
  stream_position INTEGER NOT NULL,
  type            TEXT    NOT NULL,
  tenant_id       TEXT    NOT NULL,
  occurred_at     TEXT    NOT NULL,
  recorded_at     TEXT    NOT NULL,
  data            TEXT    NOT NULL,
  metadata        TEXT    NOT NULL,
  UNIQUE (stream_id, stream_position)
);
CREATE INDEX IF NOT EXISTS events_by_tenant ON events (tenant_id, global_position);
`;

const READ_BATCH = 1000;
/**
 * `readAllRaw`'s page: small enough that a page's strings die young (a reader such as the audit
 * export holds one page across an await; a page of 1000 rows got promoted and grew the old space).
 */
const RAW_PAGE = 256;

/** `readAllRaw`'s columns, in this order, read as arrays (`.raw()`): no row object to build. */
const RAW_COLUMNS = 'global_position, event_id, stream_id, stream_position, type, occurred_at, recorded_at, data, metadata';
type RawRow = [
  globalPosition: number,
  eventId: string,
  streamId: string,
  streamPosition: number,
  type: string,
  occurredAt: string,
  recordedAt: string,
  data: string,
  metadata: string,
];

/** The two reads of the global log, from a position, a page at a time (keyset, see `pages`). */
interface LogReads<R> {
  all(fromPosition: number, size: number): R[];
  forTenant(tenantId: string, fromPosition: number, size: number): R[];
  positionOf(row: R): number;
}

/**
 * The embedded event store. One connection, one writer: appends are group-committed
 * (src/platform/sqlite/sqlite-group-commit.ts), those that arrive together in one `BEGIN IMMEDIATE`
 * transaction with one fsync, each in a savepoint of its own, so each append's
 * expected-revision check and inserts are atomic, checked against the rows of the appends
 * before it in the batch, and rolled back alone when it fails. The global position is
 * gap-free and in commit order (the projection runner relies on that to poll by position).
 */
export class SqliteEventStore implements EventStore {
  private readonly listeners = new Set<(lastPosition: number) => void>();
  private readonly statements;
  private readonly rowReads: LogReads<EventRow>;
  private readonly rawReads: LogReads<RawRow>;
  private readonly committer: SqliteGroupCommitter<AppendResult>;

  constructor(
    private readonly db: SqliteDatabase,
    options: Pick<GroupCommitOptions<AppendResult>, 'maxBatch'> = {},
  ) {
    db.exec(SCHEMA);
    this.statements = {
      streamRevision: db.prepare<[string], { revision: number | null }>(
        'SELECT MAX(stream_position) AS revision FROM events WHERE stream_id = ?',
      ),
      insert: db.prepare(
        `INSERT INTO events (event_id, stream_id, stream_position, type, tenant_id, occurred_at, recorded_at, data, metadata)
         VALUES (@eventId, @streamId, @streamPosition, @type, @tenantId, @occurredAt, @recordedAt, @data, @metadata)`,
      ),
      byEventId: db.prepare<[string], EventRow>('SELECT * FROM events WHERE event_id = ?'),
      readStream: db.prepare<[string, number], EventRow>(
        'SELECT * FROM events WHERE stream_id = ? AND stream_position >= ? ORDER BY stream_position',
      ),
      readAll: db.prepare<[number, number], EventRow>('SELECT * FROM events WHERE global_position >= ? ORDER BY global_position LIMIT ?'),
      readAllForTenant: db.prepare<[string, number, number], EventRow>(
        'SELECT * FROM events WHERE tenant_id = ? AND global_position >= ? ORDER BY global_position LIMIT ?',
      ),
      readAllRaw: db
        .prepare<[number, number], RawRow>(`SELECT ${RAW_COLUMNS} FROM events WHERE global_position >= ? ORDER BY global_position LIMIT ?`)
        .raw(),
      readAllRawForTenant: db
        .prepare<[string, number, number], RawRow>(
          `SELECT ${RAW_COLUMNS} FROM events WHERE tenant_id = ? AND global_position >= ? ORDER BY global_position LIMIT ?`,
        )
        .raw(),
      lastPosition: db.prepare<[], { position: number | null }>('SELECT MAX(global_position) AS position FROM events'),
    };
    const statements = this.statements;
    this.rowReads = {
      all: (position, size) => statements.readAll.all(position, size),
      forTenant: (tenant, position, size) => statements.readAllForTenant.all(tenant, position, size),
      positionOf: (row) => row.global_position,
    };
    this.rawReads = {
      all: (position, size) => statements.readAllRaw.all(position, size),
      forTenant: (tenant, position, size) => statements.readAllRawForTenant.all(tenant, position, size),
      positionOf: (row) => row[0],
    };
    this.committer = new SqliteGroupCommitter(db, {
      ...options,
      unavailable: (error) => new StoreUnavailableError('the embedded event store is unavailable', { cause: error }),
      // Once per COMMIT, with the highest position of the batch (a replayed append returns older ones).
      afterCommit: (committed) => {
        const last = Math.max(...committed.map((result) => result.events.at(-1)?.globalPosition ?? 0));
        if (last > 0) for (const listener of this.listeners) listener(last);
      },
    });
  }

  async append(streamId: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    if (typeof expectedRevision === 'number' && (!Number.isSafeInteger(expectedRevision) || expectedRevision < 0)) {
      throw new RangeError(`expected revision must be a non-negative integer, got ${expectedRevision}`);
    }
    return this.committer.run(() => this.appendInTransaction(streamId, events, expectedRevision));
  }

  /** Transactions committed and appends they carried, since this store was opened. */
  get commitStats(): GroupCommitStats {
    return this.committer.stats;
  }

  /** Runs inside the batch's transaction, in a savepoint of its own (see the class comment). */
  private appendInTransaction(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): AppendResult {
    const replay = this.alreadyAppended(streamId, events);
    if (replay) return replay;
    const current = this.statements.streamRevision.get(streamId)?.revision ?? null;
    checkExpected(streamId, expected, current);
    const first = current === null ? 0 : current + 1;
    const stored = events.map((event, index): StoredEvent => {
      const streamPosition = first + index;
      const info = this.statements.insert.run({
        eventId: event.id,
        streamId,
        streamPosition,
        type: event.type,
        tenantId: event.metadata.tenantId,
        occurredAt: event.occurredAt,
        recordedAt: event.recordedAt,
        data: JSON.stringify(event.data),
        metadata: JSON.stringify(event.metadata),
      });
      return { ...event, streamId, streamPosition, globalPosition: Number(info.lastInsertRowid) };
    });
    return { nextExpectedRevision: first + events.length - 1, events: stored };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const from = readStreamFrom(options);
    return this.guard(() => this.statements.readStream.all(streamId, from).map(toStoredEvent));
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<StoredEvent> {
    for (const page of this.pages(this.rowReads, options, READ_BATCH)) {
      for (const row of page) yield toStoredEvent(row);
    }
  }

  async *readAllRaw(options: ReadAllOptions = {}): AsyncIterable<readonly RawStoredEvent[]> {
    for (const page of this.pages(this.rawReads, options, RAW_PAGE)) yield page.map(toRawStoredEvent);
  }

  /**
   * The log's rows for `options`, a page (at most `pageSize` rows, never empty) at a time.
   * Several tenants: one indexed read per tenant, merged in global order, rather than a scan
   * of every tenant's events.
   */
  private *pages<R>(reads: LogReads<R>, options: ReadAllOptions, pageSize: number): Generator<R[]> {
    const from = options.fromPosition ?? 0;
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    if (remaining <= 0) return;
    const size = Math.min(pageSize, remaining);
    const tenants = readAllTenants(options);
    const pages =
      tenants === undefined
        ? this.batches(reads, (position) => reads.all(position, size), from, size)
        : pagesOf(
            mergeByPosition(
              [...tenants].map((tenant) => flatten(this.batches(reads, (position) => reads.forTenant(tenant, position, size), from, size))),
              reads.positionOf,
            ),
            size,
          );
    for (const page of pages) {
      const taken = page.length > remaining ? page.slice(0, remaining) : page;
      yield taken;
      remaining -= taken.length;
      if (remaining <= 0) return;
    }
  }

  /**
   * Keyset batches rather than one open cursor: better-sqlite3 forbids writes on a connection
   * while an iterator is open, and a slow reader must not block appends.
   */
  private *batches<R>(reads: LogReads<R>, read: (fromPosition: number) => R[], from: number, size: number): Generator<R[]> {
    let position = from;
    for (;;) {
      const rows = this.guard(() => read(position));
      const last = rows.at(-1);
      if (last === undefined) return;
      yield rows;
      if (rows.length < size) return;
      position = reads.positionOf(last) + 1;
    }
  }

  async lastPosition(): Promise<number> {
    return this.guard(() => this.statements.lastPosition.get()?.position ?? 0);
  }

  onAppended(listener: (lastPosition: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    // Appends already queued are committed (and answered) before the connection goes.
    await this.committer.drain();
    this.listeners.clear();
    if (this.db.open) this.db.close();
  }

  /**
   * EventStoreDB's idempotence, kept here too: if these exact event ids already sit in this
   * stream in this order, the append already happened and its result is returned again.
   */
  private alreadyAppended(streamId: string, events: readonly NewEvent[]): AppendResult | null {
    const first = events[0];
    if (!first) return null;
    const existing = this.statements.byEventId.get(first.id);
    if (!existing) return null;
    const stored = events.map((event) => this.statements.byEventId.get(event.id));
    const consistent = stored.every(
      (row, index) => row !== undefined && row.stream_id === streamId && row.stream_position === existing.stream_position + index,
    );
    if (!consistent) throw new WrongExpectedVersionError(streamId, 'any', existing.stream_position);
    const replayed = (stored as EventRow[]).map(toStoredEvent);
    return { nextExpectedRevision: replayed.at(-1)?.streamPosition ?? existing.stream_position, events: replayed };
  }

  private guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (isSqliteUnavailable(error)) throw new StoreUnavailableError('the embedded event store is unavailable', { cause: error });
      throw error;
    }
  }
}

const checkExpected = (streamId: string, expected: ExpectedRevision, current: number | null): void => {
  const actual = current ?? 'no-stream';
  const ok =
    expected === 'any' ||
    (expected === 'no-stream' && current === null) ||
    (expected === 'stream-exists' && current !== null) ||
    (typeof expected === 'number' && current === expected);
  if (!ok) throw new WrongExpectedVersionError(streamId, expected, actual);
};

const toStoredEvent = (row: EventRow): StoredEvent => ({
  id: row.event_id,
  type: row.type,
  streamId: row.stream_id,
  streamPosition: row.stream_position,
  globalPosition: row.global_position,
  occurredAt: row.occurred_at,
  recordedAt: row.recorded_at,
  data: JSON.parse(row.data) as Record<string, unknown>,
  metadata: JSON.parse(row.metadata) as StoredEvent['metadata'],
});

const toRawStoredEvent = (row: RawRow): RawStoredEvent => ({
  id: row[1],
  type: row[4],
  streamId: row[2],
  streamPosition: row[3],
  globalPosition: row[0],
  occurredAt: row[5],
  recordedAt: row[6],
  data: row[7],
  metadata: row[8],
});

function* flatten<R>(pages: Iterable<R[]>): Generator<R> {
  for (const page of pages) yield* page;
}

/** Rows in pages of `size` (the last one shorter, none empty). */
function* pagesOf<R>(rows: Iterable<R>, size: number): Generator<R[]> {
  let page: R[] = [];
  for (const row of rows) {
    page.push(row);
    if (page.length >= size) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

/** Rows of several position-ordered sources, in global position order. */
function* mergeByPosition<R>(sources: readonly Iterator<R>[], positionOf: (row: R) => number): Generator<R> {
  const heads = sources.map((source) => ({ source, head: source.next() }));
  for (;;) {
    let next: (typeof heads)[number] | undefined;
    for (const candidate of heads) {
      if (candidate.head.done) continue;
      if (next === undefined || (!next.head.done && positionOf(candidate.head.value) < positionOf(next.head.value))) next = candidate;
    }
    if (next === undefined || next.head.done) return;
    yield next.head.value;
    next.head = next.source.next();
  }
}
