import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteFile } from '../../platform/sqlite/sqlite-file.js';
import { WrongExpectedVersionError, type NewEvent } from '../event-store.port.js';
import { StoreUnavailableError } from '../../platform/store-errors.js';
import { SqliteEventStore } from './sqlite-event-store.js';

const dir = mkdtempSync(join(tmpdir(), 'ledger-group-commit-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const anEvent = (type = 'consent-given'): NewEvent => ({
  id: randomUUID(),
  type,
  occurredAt: '2026-01-01T00:00:00.000Z',
  recordedAt: '2026-01-01T00:00:01.000Z',
  data: { purposes: ['crm-access'] },
  metadata: { tenantId: 'acme', subjectId: 's', actor: 'test', correlationId: 'c', causationId: 'c', idempotencyKey: null },
});
const aStream = (): string => `subject-acme/s-${randomUUID()}`;

/** What another process would see: committed rows only, through a connection of its own. */
const committedRows = (path: string): { event_id: string; stream_id: string; global_position: number }[] => {
  const reader = new Database(path, { readonly: true });
  try {
    return reader.prepare<[], { event_id: string; stream_id: string; global_position: number }>(
      'SELECT event_id, stream_id, global_position FROM events ORDER BY global_position',
    ).all();
  } finally {
    reader.close();
  }
};

describe('the embedded event store, group-committed', () => {
  const stores: SqliteEventStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });
  const open = (options: { maxBatch?: number } = {}) => {
    const path = join(dir, `${randomUUID()}.sqlite`);
    const db = openSqliteFile(path);
    const store = new SqliteEventStore(db, options);
    stores.push(store);
    return { store, path, db };
  };

  it('commits concurrent appends to different streams in one transaction, with gap-free positions in call order', async () => {
    const { store, path } = open();
    const streams = Array.from({ length: 25 }, aStream);

    const results = await Promise.all(streams.map((stream) => store.append(stream, [anEvent(), anEvent()], 'no-stream')));

    expect(store.commitStats).toEqual({ commits: 1, writes: 25, largestBatch: 25 });
    expect(results.flatMap((result) => result.events.map((event) => event.globalPosition))).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    expect(committedRows(path).map((row) => row.global_position)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('lets exactly one of two appends with the same expected revision win, in the same batch', async () => {
    const { store } = open();
    const stream = aStream();
    await store.append(stream, [anEvent()], 'no-stream');
    const before = store.commitStats.commits;
    const [mine, theirs] = [anEvent('data-transferred'), anEvent('data-transferred')];

    const results = await Promise.allSettled([store.append(stream, [mine], 0), store.append(stream, [theirs], 0)]);

    expect(store.commitStats.commits).toBe(before + 1);
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 1 } });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: expect.any(WrongExpectedVersionError) });
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ expected: 0, actual: 1 });
    expect((await store.readStream(stream)).map((event) => event.id).slice(1)).toEqual([mine.id]);
  });

  it('keeps the other appends of a batch when one fails halfway through its own events', async () => {
    const { store, path } = open();
    const taken = anEvent();
    await store.append(aStream(), [taken], 'no-stream');
    const [first, last] = [aStream(), aStream()];
    const halfNew = [anEvent(), { ...anEvent(), id: taken.id }]; // its second event id is already stored elsewhere
    const failing = aStream();

    const results = await Promise.allSettled([
      store.append(first, [anEvent()], 'no-stream'),
      store.append(failing, halfNew, 'no-stream'),
      store.append(last, [anEvent()], 'no-stream'),
    ]);

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(committedRows(path).map((row) => [row.stream_id, row.global_position])).toEqual([
      [expect.any(String), 1],
      [first, 2],
      [last, 3],
    ]);
    expect(await store.readStream(failing)).toEqual([]);
  });

  it('returns the stored events again for an append repeated within the same batch, and stores them once', async () => {
    const { store } = open();
    const stream = aStream();
    const events = [anEvent(), anEvent()];

    const [original, retry] = await Promise.all([store.append(stream, events, 'no-stream'), store.append(stream, events, 'no-stream')]);

    expect(store.commitStats.commits).toBe(1);
    expect(retry).toEqual(original);
    expect((await store.readStream(stream)).map((event) => event.id)).toEqual(events.map((event) => event.id));
  });

  it('tells listeners once per commit, with the last position, when another connection can already read it', async () => {
    const { store, path } = open();
    const seen: { position: number; visible: number }[] = [];
    store.onAppended((position) => seen.push({ position, visible: committedRows(path).length }));

    await Promise.all([store.append(aStream(), [anEvent()], 'no-stream'), store.append(aStream(), [anEvent(), anEvent()], 'no-stream')]);

    expect(seen).toEqual([{ position: 3, visible: 3 }]);
  });

  it('rejects every append of the batch as unavailable when the write lock cannot be had, writes nothing, then recovers', async () => {
    const { store, path, db } = open();
    db.pragma('busy_timeout = 20');
    const listened: number[] = [];
    store.onAppended((position) => listened.push(position));
    const other = new Database(path);
    other.prepare('BEGIN IMMEDIATE').run();

    const results = await Promise.allSettled([store.append(aStream(), [anEvent()], 'no-stream'), store.append(aStream(), [anEvent()], 'no-stream')]);
    other.prepare('ROLLBACK').run();
    other.close();

    expect(results.map((result) => (result as PromiseRejectedResult).reason)).toEqual([
      expect.any(StoreUnavailableError),
      expect.any(StoreUnavailableError),
    ]);
    expect(committedRows(path)).toEqual([]);
    expect(listened).toEqual([]);
    await expect(store.append(aStream(), [anEvent()], 'no-stream')).resolves.toMatchObject({ events: [{ globalPosition: 1 }] });
  });

  it('commits appends still queued when it is closed', async () => {
    const { store, path } = open();
    const pending = store.append(aStream(), [anEvent()], 'no-stream');

    await store.close();

    await expect(pending).resolves.toMatchObject({ events: [{ globalPosition: 1 }] });
    expect(committedRows(path)).toHaveLength(1);
  });
});
