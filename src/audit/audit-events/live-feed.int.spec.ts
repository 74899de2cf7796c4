import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { aGlobalLog, aSubjectStream } from '../../../test/support/stored-events.js';
import { keyRingOf } from '../../../test/support/sealed-events.js';
import type { EventStore, NewEvent, StoredEvent } from '../../event-store/event-store.port.js';
import { SqliteEventStore } from '../../event-store/sqlite/sqlite-event-store.js';
import { openSqliteFile } from '../../platform/sqlite/sqlite-file.js';
import { LiveFeed, type LiveFeedOptions } from './live-feed.js';

const asNew = ({ streamId: _s, streamPosition: _p, globalPosition: _g, ...event }: StoredEvent): NewEvent => event;

/** The store, counting who listens to its appends: a closed feed must leave no listener behind. */
const counting = (store: EventStore): { store: EventStore; listening: () => number } => {
  let listening = 0;
  const wrapped = Object.create(store) as EventStore;
  wrapped.onAppended = (listener) => {
    listening++;
    const stop = store.onAppended(listener);
    let stopped = false;
    return () => {
      if (!stopped) listening--;
      stopped = true;
      stop();
    };
  };
  return { store: wrapped, listening: () => listening };
};

/** Reads SSE events (their ids) off a feed until `count` have come, or the time is up. */
const readIds = async (feed: LiveFeed, count: number, timeoutMs = 5_000): Promise<number[]> => {
  const ids: number[] = [];
  let text = '';
  const started = Date.now();
  while (ids.length < count) {
    if (Date.now() - started > timeoutMs) throw new Error(`only ${ids.length} of ${count} events within ${timeoutMs} ms`);
    const chunk = feed.read() as Buffer | null;
    if (chunk === null) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      continue;
    }
    text += chunk.toString('utf8');
    const blocks = text.split('\n\n');
    text = blocks.pop() ?? '';
    for (const block of blocks) {
      const id = /^id: (\d+)$/m.exec(block)?.[1];
      if (id !== undefined) ids.push(Number(id));
    }
  }
  return ids;
};

describe('the live feed on the embedded event store', () => {
  let dir: string;
  let store: SqliteEventStore;
  let other: SqliteEventStore;
  const feeds: LiveFeed[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-live-feed-'));
    store = new SqliteEventStore(openSqliteFile(join(dir, 'events.sqlite')));
    // A second connection to the same file: its appends are another process's to `store`.
    other = new SqliteEventStore(openSqliteFile(join(dir, 'events.sqlite')));
  });
  afterEach(async () => {
    for (const feed of feeds.splice(0)) feed.destroy();
    await store.close();
    await other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const open = (options: Partial<LiveFeedOptions> & Pick<LiveFeedOptions, 'store'>): LiveFeed => {
    const feed = new LiveFeed({
      filter: {},
      fromPosition: 0,
      limit: undefined,
      keyRingFor: async () => keyRingOf([]),
      heartbeatMs: 60_000,
      ...options,
    });
    feeds.push(feed);
    return feed;
  };

  const append = async (into: EventStore, count: number, tenantId?: string): Promise<number[]> => {
    const subject = aSubjectStream({ log: aGlobalLog(), ...(tenantId !== undefined && { tenantId }) });
    const events = Array.from({ length: count }, () => asNew(subject.dataTransferred()));
    return (await into.append(subject.streamId, events, 'any')).events.map((event) => event.globalPosition);
  };

  it('sends what another process appends, found by its poll', async () => {
    const feed = open({ store, pollMs: 50 });
    const appended = await append(other, 3);
    expect(await readIds(feed, 3, 2_000)).toEqual(appended);
  });

  it('holds at most a page and its buffer for a client that does not read, and sends everything in order once it does', async () => {
    const appended: number[] = [];
    for (let i = 0; i < 6; i++) appended.push(...(await append(store, 500)));
    const { store: watched, listening } = counting(store);
    const feed = open({ store: watched });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Not read: the feed stopped pulling from the store after its buffer filled.
    expect(feed.readableLength).toBeLessThan(64 * 1024 + 256 * 2_000);
    expect(feed.readableLength).toBeGreaterThan(0);
    expect(listening()).toBe(1);
    expect(await readIds(feed, 3_000)).toEqual(appended);
    feed.destroy();
    expect(listening()).toBe(0);
  });

  it('sends only the chosen tenants, and skips the others without reading them again', async () => {
    const tenant = `tenant-${Date.now()}`;
    const feed = open({ store, filter: { tenantIds: [tenant] } });
    await append(store, 50);
    const mine = await append(store, 2, tenant);
    await append(store, 50);
    const later = await append(store, 1, tenant);
    expect(await readIds(feed, 3)).toEqual([...mine, ...later]);
  });

  it('sends a heartbeat comment after a silence', async () => {
    const feed = open({ store, heartbeatMs: 100 });
    await new Promise((resolve) => setTimeout(resolve, 250));
    const text = (feed.read() as Buffer).toString('utf8');
    expect(text.startsWith('retry: ')).toBe(true);
    expect(text).toContain(': heartbeat\n\n');
  });

  it('ends after limit events, and then listens no more', async () => {
    const { store: watched, listening } = counting(store);
    const appended = await append(store, 5);
    const feed = open({ store: watched, limit: 2 });
    expect(await readIds(feed, 2)).toEqual(appended.slice(0, 2));
    feed.resume();
    await finished(feed);
    expect(listening()).toBe(0);
  });

  it('ends cleanly on close, when the app stops', async () => {
    const { store: watched, listening } = counting(store);
    const feed = open({ store: watched });
    feed.resume();
    await new Promise((resolve) => setTimeout(resolve, 50));
    feed.close();
    await finished(feed);
    expect(listening()).toBe(0);
  });
});
