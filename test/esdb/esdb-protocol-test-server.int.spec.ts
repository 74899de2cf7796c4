import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { EsdbProtocolTestServer } from './esdb-protocol-test-server.js';

const ev = (n: number, type = 'thing-happened') => jsonEvent({ id: randomUUID(), type, data: { n } });
const collect = async (iterable: AsyncIterable<ResolvedEvent>): Promise<ResolvedEvent[]> => {
  const out: ResolvedEvent[] = [];
  for await (const e of iterable) out.push(e);
  return out;
};
const waitFor = async (condition: () => boolean, timeoutMs = 3000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe.each([
  ['Streams.Append', false],
  ['Streams.BatchAppend', true],
])('EventStoreDB protocol test server via %s', (path, batchAppend) => {
  let server: EsdbProtocolTestServer;
  let client: EventStoreDBClient;

  beforeEach(async () => {
    server = new EsdbProtocolTestServer({ batchAppend });
    const { connectionString } = await server.start();
    client = EventStoreDBClient.connectionString(connectionString);
  });
  afterEach(async () => {
    await client.dispose();
    await server.stop();
  });

  it(`makes the client take the ${path} path`, async () => {
    await client.appendToStream('s-1', [ev(1)], { expectedRevision: NO_STREAM });
    expect(server.calls.getSupportedMethods).toBe(1);
    expect(server.calls[batchAppend ? 'batchAppend' : 'append']).toBe(1);
    expect(server.calls[batchAppend ? 'append' : 'batchAppend']).toBeUndefined();
  });

  it('applies expected-revision rules and reports a wrong expected version', async () => {
    const first = await client.appendToStream('s-2', [ev(1), ev(2)], { expectedRevision: NO_STREAM });
    expect(first.nextExpectedRevision).toBe(1n);
    expect(first.position?.commit).toBe(first.position?.prepare);
    await client.appendToStream('s-2', [ev(3)], { expectedRevision: 1n });
    await client.appendToStream('s-2', [ev(4)], { expectedRevision: STREAM_EXISTS });
    const last = await client.appendToStream('s-2', [ev(5)]);
    expect(last.nextExpectedRevision).toBe(4n);

    const stale = client.appendToStream('s-2', [ev(6)], { expectedRevision: 1n });
    await expect(stale).rejects.toBeInstanceOf(WrongExpectedVersionError);
    await expect(stale).rejects.toMatchObject({ streamName: 's-2', expectedVersion: 1n, actualVersion: 4n });
    await expect(client.appendToStream('s-2', [ev(6)], { expectedRevision: NO_STREAM })).rejects.toMatchObject({
      expectedVersion: 'no_stream',
      actualVersion: 4n,
    });
    await expect(client.appendToStream('missing', [ev(6)], { expectedRevision: STREAM_EXISTS })).rejects.toMatchObject({
      expectedVersion: 'stream_exists',
      actualVersion: 'no_stream',
    });
    expect(await collect(client.readStream('s-2'))).toHaveLength(5);
  });

  it('treats a re-append of ids already at the stream end as done', async () => {
    const events = [ev(1), ev(2)];
    const first = await client.appendToStream('s-3', events, { expectedRevision: NO_STREAM });
    const again = await client.appendToStream('s-3', events, { expectedRevision: NO_STREAM });
    expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
    expect(again.position).toEqual(first.position);
    expect(await collect(client.readStream('s-3'))).toHaveLength(2);
  });

  it('reads streams forwards, backwards, from a revision, with a count, and reports a missing stream', async () => {
    await client.appendToStream(
      's-4',
      [0, 1, 2, 3, 4].map((n) => ev(n)),
      { expectedRevision: NO_STREAM },
    );
    const ns = (events: ResolvedEvent[]) => events.map((e) => (e.event?.data as { n: number }).n);
    expect(ns(await collect(client.readStream('s-4')))).toEqual([0, 1, 2, 3, 4]);
    expect(ns(await collect(client.readStream('s-4', { fromRevision: 2n, maxCount: 2 })))).toEqual([2, 3]);
    expect(ns(await collect(client.readStream('s-4', { direction: BACKWARDS, fromRevision: END, maxCount: 2 })))).toEqual([4, 3]);
    expect(ns(await collect(client.readStream('s-4', { direction: BACKWARDS, fromRevision: 1n })))).toEqual([1, 0]);
    const [first] = await collect(client.readStream('s-4'));
    expect(first?.event?.created.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(first?.event?.created.getTime()).toBeLessThanOrEqual(Date.now());
    await expect(collect(client.readStream('nope'))).rejects.toBeInstanceOf(StreamNotFoundError);
  });

  it('serves $all with system events, gaps between positions, backwards reads with a count, and inclusive positions', async () => {
    await client.appendToStream('s-5', [ev(1), ev(2), ev(3)], { expectedRevision: NO_STREAM });
    const all = await collect(client.readAll());
    expect(all.filter((e) => e.event?.type.startsWith('$')).length).toBeGreaterThanOrEqual(3);
    const positions = all.map((e) => e.event!.position!);
    expect(positions.every((p) => p.commit === p.prepare)).toBe(true);
    const commits = positions.map((p) => p.commit);
    expect(commits.slice(1).every((c, i) => c - commits[i]! > 1n)).toBe(true);

    const backwards = await collect(client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 2 }));
    expect(backwards.map((e) => (e.event?.data as { n: number }).n)).toEqual([3, 2]);

    const second = all.at(-2)!.event!.position!;
    const fromSecond = await collect(client.readAll({ fromPosition: second, direction: FORWARDS }));
    expect(fromSecond.map((e) => (e.event?.data as { n: number }).n)).toEqual([2, 3]);
    const limited = await collect(client.readAll({ fromPosition: START, maxCount: 1 }));
    expect(limited).toHaveLength(1);
  });

  it('subscribes to $all exclusively of the start position, filters system events, and delivers live events', async () => {
    await client.appendToStream('s-6', [ev(1), ev(2)], { expectedRevision: NO_STREAM });
    const all = await collect(client.readAll());
    const start = all.at(-2)!.event!.position!;
    const subscription = client.subscribeToAll({ fromPosition: start, filter: excludeSystemEvents() });
    const received: ResolvedEvent[] = [];
    let caughtUp = false;
    let confirmed = false;
    subscription.on('confirmation', () => (confirmed = true));
    subscription.on('caughtUp', () => (caughtUp = true));
    subscription.on('data', (e: ResolvedEvent) => received.push(e));
    await waitFor(() => caughtUp);
    expect(confirmed).toBe(true);
    expect(received.map((e) => (e.event?.data as { n: number }).n)).toEqual([2]);

    server.writeSystemEvent('$$s-6', '$metadata');
    await client.appendToStream('s-7', [ev(3)], { expectedRevision: NO_STREAM });
    await waitFor(() => received.length === 2);
    expect(received.map((e) => e.event?.type)).toEqual(['thing-happened', 'thing-happened']);
    await subscription.unsubscribe();
  });

  it('subscribes to a stream exclusively of the start revision and delivers live events', async () => {
    await client.appendToStream('s-8', [ev(0), ev(1)], { expectedRevision: NO_STREAM });
    const subscription = client.subscribeToStream('s-8', { fromRevision: 0n });
    const received: number[] = [];
    subscription.on('data', (e: ResolvedEvent) => received.push((e.event?.data as { n: number }).n));
    await waitFor(() => received.length === 1);
    await client.appendToStream('other', [ev(9)]);
    await client.appendToStream('s-8', [ev(2)], { expectedRevision: 1n });
    await waitFor(() => received.length === 2);
    expect(received).toEqual([1, 2]);
    await subscription.unsubscribe();
  });

  it('cuts live subscriptions on stop and keeps events across restart on the same port', async () => {
    await client.appendToStream('s-9', [ev(1)], { expectedRevision: NO_STREAM });
    const { port } = await server.start().catch(() => ({ port: -1 })); // already started: refused
    expect(port).toBe(-1);
    const subscription = client.subscribeToAll({ fromPosition: END });
    const dropped = new Promise<unknown>((resolve) => subscription.on('error', resolve));
    subscription.on('data', () => undefined);
    await new Promise((resolve) => subscription.once('confirmation', resolve));
    await server.stop();
    const error = (await dropped) as { code?: number };
    expect([1, 14]).toContain(error.code); // CANCELLED or UNAVAILABLE
    await server.restart();
    let events: ResolvedEvent[] = [];
    for (let attempt = 0; attempt < 20 && events.length === 0; attempt++) {
      events = await collect(client.readStream('s-9')).catch(() => []);
    }
    expect(events).toHaveLength(1);
  });
});
