import { describe, expect, it, beforeEach, afterEach } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  WrongExpectedVersionError,
  type EventStore,
  type NewEvent,
  type RawStoredEvent,
  type StoredEvent,
} from '../../src/event-store/event-store.port.js';

/**
 * The event-store port's contract. Every adapter runs this same suite: call it once per
 * adapter with a factory that gives a fresh, empty store.
 */
export const eventStoreContract = (adapterName: string, openStore: () => Promise<EventStore>): void => {
  describe(`EventStore contract: ${adapterName}`, () => {
    let store: EventStore;

    beforeEach(async () => {
      store = await openStore();
    });

    afterEach(async () => {
      await store.close();
    });

    const stream = (): string => `subject-t${randomUUID().slice(0, 8)}/s-${randomUUID()}`;
    const event = (type = 'consent-given', tenantId = 'acme'): NewEvent => ({
      id: randomUUID(),
      type,
      occurredAt: '2026-01-01T00:00:00.000Z',
      recordedAt: '2026-01-01T00:00:01.000Z',
      data: { purposes: ['crm-access'], nested: { n: 1 } },
      metadata: {
        tenantId,
        subjectId: 's',
        actor: 'test',
        correlationId: randomUUID(),
        causationId: randomUUID(),
        idempotencyKey: null,
      },
    });
    const readAll = async (options?: Parameters<EventStore['readAll']>[0]): Promise<StoredEvent[]> => {
      const events: StoredEvent[] = [];
      for await (const e of store.readAll(options)) events.push(e);
      return events;
    };

    describe('when a stream does not exist', () => {
      it('reads it as empty', async () => {
        expect(await store.readStream(stream())).toEqual([]);
      });

      it('appends with no-stream and numbers events from revision 0', async () => {
        const id = stream();
        const result = await store.append(id, [event(), event()], 'no-stream');
        expect(result.nextExpectedRevision).toBe(1);
        expect(result.events.map((e) => e.streamPosition)).toEqual([0, 1]);
        expect(result.events.every((e) => e.streamId === id)).toBe(true);
      });

      it('refuses stream-exists and an exact revision', async () => {
        await expect(store.append(stream(), [event()], 'stream-exists')).rejects.toBeInstanceOf(WrongExpectedVersionError);
        await expect(store.append(stream(), [event()], 0)).rejects.toBeInstanceOf(WrongExpectedVersionError);
      });
    });

    describe('when a stream has events', () => {
      it('stores every field and reads them back in order', async () => {
        const id = stream();
        const first = event('consent-given');
        const second = event('consent-withdrawn');
        await store.append(id, [first], 'no-stream');
        await store.append(id, [second], 0);
        const read = await store.readStream(id);
        expect(read.map((e) => e.id)).toEqual([first.id, second.id]);
        expect(read[0]).toMatchObject({
          ...first,
          streamId: id,
          streamPosition: 0,
        });
        expect(read[1]?.streamPosition).toBe(1);
        expect(read[1]!.globalPosition).toBeGreaterThan(read[0]!.globalPosition);
      });

      it('refuses no-stream and a stale revision, and writes nothing', async () => {
        const id = stream();
        await store.append(id, [event(), event()], 'no-stream');
        const conflict = store.append(id, [event()], 0);
        await expect(conflict).rejects.toMatchObject({ name: 'WrongExpectedVersionError', streamId: id, actual: 1 });
        await expect(store.append(id, [event()], 'no-stream')).rejects.toBeInstanceOf(WrongExpectedVersionError);
        expect(await store.readStream(id)).toHaveLength(2);
      });

      it('accepts the exact revision, stream-exists and any', async () => {
        const id = stream();
        await store.append(id, [event()], 'no-stream');
        await store.append(id, [event()], 0);
        await store.append(id, [event()], 'stream-exists');
        const last = await store.append(id, [event()], 'any');
        expect(last.nextExpectedRevision).toBe(3);
      });

      it('reads the tail from an inclusive revision, and nothing past the end', async () => {
        const id = stream();
        const appended = await store.append(id, [event(), event(), event()], 'no-stream');
        const tail = await store.readStream(id, { fromRevision: 1 });
        expect(tail.map((e) => e.id)).toEqual(appended.events.slice(1).map((e) => e.id));
        expect(tail.map((e) => e.streamPosition)).toEqual([1, 2]);
        expect(tail[0]).toEqual(appended.events[1]);
        expect(await store.readStream(id, { fromRevision: 0 })).toEqual(await store.readStream(id));
        expect(await store.readStream(id, { fromRevision: 3 })).toEqual([]);
        expect(await store.readStream(id, { fromRevision: 1000 })).toEqual([]);
        expect(await store.readStream(stream(), { fromRevision: 1 })).toEqual([]);
      });

      it('refuses a negative or fractional revision to read from', async () => {
        await expect(store.readStream(stream(), { fromRevision: -1 })).rejects.toBeInstanceOf(RangeError);
        await expect(store.readStream(stream(), { fromRevision: 0.5 })).rejects.toBeInstanceOf(RangeError);
      });

      it('treats a re-append of the same event ids as already done', async () => {
        const id = stream();
        const events = [event(), event()];
        const first = await store.append(id, events, 'no-stream');
        const again = await store.append(id, events, 'no-stream');
        expect(again.events.map((e) => e.globalPosition)).toEqual(first.events.map((e) => e.globalPosition));
        expect(await store.readStream(id)).toHaveLength(2);
      });
    });

    describe('when concurrent appends race on one stream', () => {
      it('accepts exactly one per expected revision', async () => {
        const id = stream();
        await store.append(id, [event()], 'no-stream');
        const results = await Promise.allSettled(Array.from({ length: 10 }, () => store.append(id, [event()], 0)));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(
          results
            .filter((r) => r.status === 'rejected')
            .every((r) => (r as PromiseRejectedResult).reason instanceof WrongExpectedVersionError),
        ).toBe(true);
        expect(await store.readStream(id)).toHaveLength(2);
      });
    });

    describe('reading the global log', () => {
      it('gives every event once, in increasing global position, from an inclusive position', async () => {
        const a = stream();
        const b = stream();
        const before = await store.lastPosition();
        const first = await store.append(a, [event()], 'no-stream');
        await store.append(b, [event(), event()], 'no-stream');
        await store.append(a, [event()], 0);
        const fromFirst = await readAll({ fromPosition: first.events[0]!.globalPosition });
        expect(fromFirst).toHaveLength(4);
        const positions = fromFirst.map((e) => e.globalPosition);
        expect([...positions].sort((x, y) => x - y)).toEqual(positions);
        expect(new Set(positions).size).toBe(4);
        expect(await store.lastPosition()).toBe(positions.at(-1));
        expect(positions[0]).toBeGreaterThan(before);
      });

      it('honours limit and tenant filters', async () => {
        const tenant = `t${randomUUID().slice(0, 8)}`;
        const start = (await store.lastPosition()) + 1;
        await store.append(stream(), [event('consent-given', tenant)], 'no-stream');
        await store.append(stream(), [event('consent-given', 'other')], 'no-stream');
        await store.append(stream(), [event('data-transferred', tenant)], 'no-stream');
        expect(await readAll({ fromPosition: start, limit: 2 })).toHaveLength(2);
        const mine = await readAll({ fromPosition: start, tenantId: tenant });
        expect(mine.map((e) => e.type)).toEqual(['consent-given', 'data-transferred']);
        expect(mine.every((e) => e.metadata.tenantId === tenant)).toBe(true);
      });

      it('filters by a list of tenants, in global order, with limit and position', async () => {
        const [a, b, c] = [`ta${randomUUID().slice(0, 8)}`, `tb${randomUUID().slice(0, 8)}`, `tc${randomUUID().slice(0, 8)}`];
        const start = (await store.lastPosition()) + 1;
        const written: StoredEvent[] = [];
        for (const tenant of [a, c, b, a, b, c, a]) {
          written.push(...(await store.append(stream(), [event('consent-given', tenant)], 'no-stream')).events);
        }
        const ofAOrB = written.filter((e) => e.metadata.tenantId !== c).map((e) => e.id);
        expect((await readAll({ fromPosition: start, tenantIds: [a, b] })).map((e) => e.id)).toEqual(ofAOrB);
        expect((await readAll({ fromPosition: start, tenantIds: [b, a, b] })).map((e) => e.id)).toEqual(ofAOrB);
        expect((await readAll({ fromPosition: start, tenantIds: [a, b], limit: 3 })).map((e) => e.id)).toEqual(ofAOrB.slice(0, 3));
        const fromThird = written[3]!.globalPosition;
        expect((await readAll({ fromPosition: fromThird, tenantIds: [a, b] })).map((e) => e.id)).toEqual(
          written
            .slice(3)
            .filter((e) => e.metadata.tenantId !== c)
            .map((e) => e.id),
        );
      });

      it('yields nothing for an empty list of tenants, and only the intersection with tenantId', async () => {
        const [a, b] = [`ta${randomUUID().slice(0, 8)}`, `tb${randomUUID().slice(0, 8)}`];
        const start = (await store.lastPosition()) + 1;
        await store.append(stream(), [event('consent-given', a)], 'no-stream');
        await store.append(stream(), [event('consent-given', b)], 'no-stream');
        expect(await readAll({ fromPosition: start, tenantIds: [] })).toEqual([]);
        expect((await readAll({ fromPosition: start, tenantIds: [a, b], tenantId: b })).map((e) => e.metadata.tenantId)).toEqual([b]);
        expect(await readAll({ fromPosition: start, tenantIds: [a], tenantId: b })).toEqual([]);
      });

      it('merges tenants across batches without skipping or repeating', async () => {
        const [a, b] = [`ta${randomUUID().slice(0, 8)}`, `tb${randomUUID().slice(0, 8)}`];
        const start = (await store.lastPosition()) + 1;
        const [streamA, streamB] = [stream(), stream()];
        let revisionA: number | 'no-stream' = 'no-stream';
        let revisionB: number | 'no-stream' = 'no-stream';
        for (let i = 0; i < 12; i++) {
          revisionA = (
            await store.append(
              streamA,
              Array.from({ length: 100 }, () => event('consent-given', a)),
              revisionA,
            )
          ).nextExpectedRevision;
          revisionB = (
            await store.append(
              streamB,
              Array.from({ length: 90 }, () => event('consent-given', b)),
              revisionB,
            )
          ).nextExpectedRevision;
        }
        const both = await readAll({ fromPosition: start, tenantIds: [a, b] });
        expect(both).toHaveLength(12 * 190);
        const positions = both.map((e) => e.globalPosition);
        expect(positions).toEqual([...positions].sort((x, y) => x - y));
        expect(new Set(positions).size).toBe(positions.length);
      });

      it('reads a log longer than one batch without skipping or repeating', async () => {
        const start = (await store.lastPosition()) + 1;
        const id = stream();
        let revision: number | 'no-stream' = 'no-stream';
        for (let i = 0; i < 25; i++) {
          const result = await store.append(
            id,
            Array.from({ length: 100 }, () => event()),
            revision,
          );
          revision = result.nextExpectedRevision;
        }
        const all = await readAll({ fromPosition: start });
        expect(all).toHaveLength(2500);
        expect(all.map((e) => e.streamPosition)).toEqual(Array.from({ length: 2500 }, (_, i) => i));
      });
    });

    describe('reading the global log raw', () => {
      const readAllRaw = async (options?: Parameters<EventStore['readAllRaw']>[0]): Promise<RawStoredEvent[][]> => {
        const pages: RawStoredEvent[][] = [];
        for await (const page of store.readAllRaw(options)) pages.push([...page]);
        return pages;
      };
      const parsed = (raw: RawStoredEvent): StoredEvent => ({
        ...raw,
        data: JSON.parse(raw.data) as StoredEvent['data'],
        metadata: JSON.parse(raw.metadata) as StoredEvent['metadata'],
      });

      it('gives the events readAll gives, with data and metadata as the JSON text JSON.stringify makes of them', async () => {
        const start = (await store.lastPosition()) + 1;
        const odd: NewEvent = {
          ...event('data-transferred'),
          data: { '2': 'two', b: { z: 1, a: [1.5, -0, 1e21, null, true] }, '1': 'one', text: 'quote " backslash \\ \u0001 é 😀 \u2028' },
        };
        await store.append(stream(), [event(), odd], 'no-stream');
        await store.append(stream(), [event('consent-given', 'other')], 'no-stream');
        const pages = await readAllRaw({ fromPosition: start });
        const raw = pages.flat();
        expect(raw.map(parsed)).toEqual(await readAll({ fromPosition: start }));
        for (const one of raw) {
          expect(JSON.stringify(JSON.parse(one.data))).toBe(one.data);
          expect(JSON.stringify(JSON.parse(one.metadata))).toBe(one.metadata);
        }
        expect(raw[1]!.data).toBe(JSON.stringify(odd.data));
        expect(pages.every((page) => page.length > 0)).toBe(true);
      });

      it('honours position, limit and the tenant filters as readAll does', async () => {
        const [a, b, c] = [`ta${randomUUID().slice(0, 8)}`, `tb${randomUUID().slice(0, 8)}`, `tc${randomUUID().slice(0, 8)}`];
        const start = (await store.lastPosition()) + 1;
        for (const tenant of [a, c, b, a, b, c, a]) await store.append(stream(), [event('consent-given', tenant)], 'no-stream');
        const ids = async (options: Parameters<EventStore['readAll']>[0]) => ({
          raw: (await readAllRaw(options)).flat().map((e) => e.id),
          parsed: (await readAll(options)).map((e) => e.id),
        });
        for (const options of [
          { fromPosition: start },
          { fromPosition: start, limit: 2 },
          { fromPosition: start, tenantId: a },
          { fromPosition: start, tenantIds: [a, b] },
          { fromPosition: start, tenantIds: [b, a], limit: 3 },
          { fromPosition: start, tenantIds: [a], tenantId: b },
          { fromPosition: start, tenantIds: [] },
        ]) {
          const { raw, parsed: expected } = await ids(options);
          expect(raw).toEqual(expected);
        }
        expect(await readAllRaw({ fromPosition: start, tenantIds: [] })).toEqual([]);
      });

      it('pages a log longer than one batch without skipping, repeating or an empty page', async () => {
        const [a, b] = [`ta${randomUUID().slice(0, 8)}`, `tb${randomUUID().slice(0, 8)}`];
        const start = (await store.lastPosition()) + 1;
        const [streamA, streamB] = [stream(), stream()];
        let revisionA: number | 'no-stream' = 'no-stream';
        let revisionB: number | 'no-stream' = 'no-stream';
        for (let i = 0; i < 12; i++) {
          revisionA = (
            await store.append(
              streamA,
              Array.from({ length: 100 }, () => event('consent-given', a)),
              revisionA,
            )
          ).nextExpectedRevision;
          revisionB = (
            await store.append(
              streamB,
              Array.from({ length: 90 }, () => event('consent-given', b)),
              revisionB,
            )
          ).nextExpectedRevision;
        }
        for (const options of [{ fromPosition: start }, { fromPosition: start, tenantIds: [a, b] }, { fromPosition: start, limit: 1500 }]) {
          const pages = await readAllRaw(options);
          expect(pages.length).toBeGreaterThan(1);
          expect(pages.every((page) => page.length > 0)).toBe(true);
          expect(pages.flat().map((e) => e.id)).toEqual((await readAll(options)).map((e) => e.id));
        }
      });
    });

    describe('notifications', () => {
      it('tells listeners the last position after each commit, until unsubscribed', async () => {
        const seen: number[] = [];
        const unsubscribe = store.onAppended((position) => seen.push(position));
        const result = await store.append(stream(), [event(), event()], 'no-stream');
        await waitFor(() => seen.includes(result.events[1]!.globalPosition));
        unsubscribe();
        const count = seen.length;
        await store.append(stream(), [event()], 'no-stream');
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(seen.length).toBe(count);
      });
    });
  });
};

const waitFor = async (condition: () => boolean, timeoutMs = 2000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};
