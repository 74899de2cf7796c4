import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { eventStoreContract } from '../../../test/contract/event-store.contract.js';
import { EsdbProtocolTestServer } from '../../../test/esdb/esdb-protocol-test-server.js';
import { type EventStore, type NewEvent, type StoredEvent } from '../event-store.port.js';
import { StoreUnavailableError } from '../../platform/store-errors.js';
import { type EventStoreDbEventStore, openEventStoreDb } from './eventstoredb-event-store.js';

const servers: Record<string, EsdbProtocolTestServer> = {
  Append: new EsdbProtocolTestServer({ batchAppend: false }),
  BatchAppend: new EsdbProtocolTestServer({ batchAppend: true }),
};
beforeAll(async () => {
  for (const server of Object.values(servers)) await server.start();
});
afterAll(async () => {
  for (const server of Object.values(servers)) await server.stop();
});

for (const [path, server] of Object.entries(servers)) {
  eventStoreContract(`EventStoreDB (protocol test server, Streams.${path})`, () => openEventStoreDb(server.connectionString));
}

// A real EventStoreDB, when the user points the tests at one (see docs/eventstoredb.md).
const realServer = process.env.ESDB_TEST_CONNECTION_STRING ?? process.env.EVENTSTORE_CONNECTION_STRING;
if (realServer) eventStoreContract('EventStoreDB (ESDB_TEST_CONNECTION_STRING)', () => openEventStoreDb(realServer));

const event = (tenantId = 'acme', type = 'consent-given'): NewEvent => ({
  id: randomUUID(),
  type,
  occurredAt: '2026-01-01T00:00:00.000Z',
  recordedAt: '2026-01-01T00:00:01.000Z',
  data: { purposes: ['crm-access'] },
  metadata: { tenantId, subjectId: 's', actor: 'test', correlationId: randomUUID(), causationId: randomUUID(), idempotencyKey: null },
});
const stream = (): string => `subject-acme/s-${randomUUID()}`;
const collect = async (store: EventStore, options?: Parameters<EventStore['readAll']>[0]): Promise<StoredEvent[]> => {
  const events: StoredEvent[] = [];
  for await (const e of store.readAll(options)) events.push(e);
  return events;
};
const waitFor = async (condition: () => boolean, timeoutMs = 5000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe.each([false, true])('EventStoreDbEventStore on the protocol test server (batchAppend: %s)', (batchAppend) => {
  let server: EsdbProtocolTestServer;
  const opened: EventStoreDbEventStore[] = [];
  const open = async (): Promise<EventStoreDbEventStore> => {
    const store = await openEventStoreDb(server.connectionString, { appendTimeoutMs: 5000 });
    opened.push(store);
    return store;
  };

  beforeAll(async () => {
    server = new EsdbProtocolTestServer({ batchAppend });
    await server.start();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  afterAll(async () => {
    await server.stop();
  });

  it('never returns system events from readAll, and positions have gaps', async () => {
    const store = await open();
    await store.append(stream(), [event(), event()], 'no-stream');
    server.writeSystemEvent('$$subject-x', '$metadata');
    await store.append(stream(), [event()], 'no-stream');
    expect(server.records.some((r) => r.type.startsWith('$'))).toBe(true);
    const all = await collect(store);
    expect(all.length).toBe(server.records.filter((r) => !r.type.startsWith('$')).length);
    expect(all.every((e) => !e.type.startsWith('$'))).toBe(true);
    const gaps = all.slice(1).map((e, i) => e.globalPosition - all[i]!.globalPosition);
    expect(gaps.every((gap) => gap > 1)).toBe(true);
    expect(await store.lastPosition()).toBe(all.at(-1)!.globalPosition);
  });

  it('lastPosition skips system events written after the last event', async () => {
    const store = await open();
    const result = await store.append(stream(), [event()], 'no-stream');
    server.writeSystemEvent('$stats', '$statsCollected');
    expect(await store.lastPosition()).toBe(result.events[0]!.globalPosition);
  });

  it('reads from a position between two events as from the next event', async () => {
    const store = await open();
    const first = await store.append(stream(), [event(), event()], 'no-stream');
    const [a, b] = first.events;
    expect(b!.globalPosition - a!.globalPosition).toBeGreaterThan(1);
    const read = await collect(store, { fromPosition: a!.globalPosition + 1 });
    expect(read[0]?.id).toBe(b!.id);
  });

  it('wakes listeners for appends made by another client', async () => {
    const watcher = await open();
    const writer = await open();
    const seen: number[] = [];
    watcher.onAppended((position) => seen.push(position));
    await watcher.waitUntilLive();
    const result = await writer.append(stream(), [event()], 'no-stream');
    await waitFor(() => seen.includes(result.events[0]!.globalPosition));
    expect([...seen].sort((x, y) => x - y)).toEqual(seen);
  });

  it('resubscribes after the server restarts, and readAll still gives every event once', async () => {
    const watcher = await open();
    const writer = await open();
    const seen: number[] = [];
    const before = await watcher.lastPosition();
    watcher.onAppended((position) => seen.push(position));
    await watcher.waitUntilLive();
    const first = await writer.append(stream(), [event()], 'no-stream');
    await waitFor(() => seen.includes(first.events[0]!.globalPosition));

    await server.stop();
    await expect(writer.append(stream(), [event()], 'no-stream')).rejects.toBeInstanceOf(StoreUnavailableError);
    await server.restart();

    const second = await writer.append(stream(), [event()], 'no-stream');
    await waitFor(() => seen.includes(second.events[0]!.globalPosition), 10_000);
    const all = await collect(watcher, { fromPosition: before + 1 });
    expect(all.map((e) => e.id)).toEqual([first.events[0]!.id, second.events[0]!.id]);
  });

  it('rejects with StoreUnavailableError, not a hang, while the server is down', async () => {
    const store = await open();
    await store.append(stream(), [event()], 'no-stream');
    await server.stop();
    try {
      const started = Date.now();
      await expect(store.append(stream(), [event()], 'no-stream')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.readStream(stream())).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.lastPosition()).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await server.restart();
    }
    const after = await store.append(stream(), [event()], 'no-stream');
    expect(after.events).toHaveLength(1);
  });
});

describe('EventStoreDbEventStore on a server that refuses inexact positions', () => {
  it('reads from the first event at or after a position that is not an event position', async () => {
    const server = new EsdbProtocolTestServer({ batchAppend: true, positions: 'strict' });
    await server.start();
    const store = await openEventStoreDb(server.connectionString);
    try {
      const result = await store.append(stream(), [event(), event(), event()], 'no-stream');
      const [, second, third] = result.events;
      const read = await collect(store, { fromPosition: second!.globalPosition - 1 });
      expect(read.map((e) => e.id)).toEqual([second!.id, third!.id]);
      expect(await collect(store, { fromPosition: third!.globalPosition + 1 })).toEqual([]);
    } finally {
      await store.close();
      await server.stop();
    }
  });
});
