import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { LeaseLostError, type ReadDocument, type ReadStore, type Where } from '../../src/read-store/read-store.port.js';

/**
 * The read-store port's contract. Every adapter runs this same suite: call it once per
 * adapter with a factory that gives a fresh store (collections may be shared between
 * tests; each test uses its own collection name).
 */
export const readStoreContract = (adapterName: string, openStore: () => Promise<ReadStore>): void => {
  describe(`ReadStore contract: ${adapterName}`, () => {
    let store: ReadStore;
    let collection: string;

    beforeEach(async () => {
      store = await openStore();
      collection = `c_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      await store.prepare([{ name: collection, indexes: [['tenantId', 'at'], ['country'], ['state', 'dueAt']] }]);
    });
    afterEach(async () => {
      await store.close();
    });

    const doc = (id: string, position: number, fields: Record<string, unknown> = {}): ReadDocument => ({
      _id: id,
      _position: position,
      ...fields,
    });

    describe('documents', () => {
      it('reads back what was put, nested values included, and null for a missing id', async () => {
        const written = doc('a', 3, { tenantId: 't', nested: { list: [1, 'two'], flag: true }, none: null });
        await store.putMany(collection, [written]);
        expect(await store.get(collection, 'a')).toEqual(written);
        expect(await store.get(collection, 'missing')).toBeNull();
      });

      it('never replaces a document with one from an older or the same position', async () => {
        await store.putMany(collection, [doc('a', 5, { v: 'five' })]);
        await store.putMany(collection, [doc('a', 4, { v: 'four' })]);
        await store.putMany(collection, [doc('a', 5, { v: 'five again' })]);
        expect((await store.get(collection, 'a'))?.['v']).toBe('five');
        await store.putMany(collection, [doc('a', 6, { v: 'six' })]);
        expect((await store.get(collection, 'a'))?.['v']).toBe('six');
      });

      it('writes the newer documents of a batch that also holds stale ones', async () => {
        await store.putMany(collection, [doc('a', 5, { v: 'a5' }), doc('b', 5, { v: 'b5' })]);
        await store.putMany(collection, [
          doc('a', 3, { v: 'stale' }),
          doc('c', 4, { v: 'c4' }),
          doc('b', 6, { v: 'b6' }),
          doc('a', 4, { v: 'stale' }),
        ]);
        const found = await store.getMany(collection, ['a', 'b', 'c']);
        expect([...found.values()].map((d) => d['v']).sort()).toEqual(['a5', 'b6', 'c4']);
      });

      it('gets many by id, leaving out the missing ones', async () => {
        await store.putMany(collection, [doc('a', 1), doc('b', 2)]);
        const found = await store.getMany(collection, ['a', 'b', 'c']);
        expect([...found.keys()].sort()).toEqual(['a', 'b']);
      });

      it('clears a collection', async () => {
        await store.putMany(collection, [doc('a', 1), doc('b', 2)]);
        await store.clear(collection);
        expect(await store.count(collection)).toBe(0);
      });
    });

    describe('bulk load', () => {
      const spec = () => ({ name: collection, indexes: [['tenantId', 'at'], ['country'], ['state', 'dueAt']] });

      it('starts from an empty collection and reads back what it inserted and replaced', async () => {
        await store.putMany(collection, [doc('old', 9, { tenantId: 'before' })]);
        const load = await store.startBulkLoad([spec()]);
        expect(await store.count(collection)).toBe(0);
        await load.write(collection, [doc('a', 1, { tenantId: 't', v: 1 }), doc('b', 2, { tenantId: 't', nested: { list: [1] } })], []);
        expect(await store.get(collection, 'a')).toEqual(doc('a', 1, { tenantId: 't', v: 1 }));
        // Replaced whole: a field the new version leaves out is gone.
        await load.write(collection, [doc('c', 3, { tenantId: 'u' })], [doc('a', 4, { tenantId: 'u', w: 2 })]);
        await load.finish();
        const found = await store.getMany(collection, ['a', 'b', 'c', 'old']);
        expect(found.get('a')).toEqual(doc('a', 4, { tenantId: 'u', w: 2 }));
        expect(found.get('b')).toEqual(doc('b', 2, { tenantId: 't', nested: { list: [1] } }));
        expect([...found.keys()].sort()).toEqual(['a', 'b', 'c']);
      });

      it('answers queries on indexed fields after finishing, and guards later writes by position again', async () => {
        const load = await store.startBulkLoad([spec()]);
        await load.write(
          collection,
          [
            doc('1', 1, { tenantId: 'acme', at: '2026-01-02', country: 'SG', state: 'open', dueAt: '2026-02-01', done: true }),
            doc('2', 2, { tenantId: 'acme', at: '2026-01-01', country: 'IN', state: 'open', dueAt: '2026-01-05' }),
            doc('3', 3, { tenantId: 'globex', at: '2026-01-03', country: 'SG', state: 'completed', dueAt: null }),
          ],
          [],
        );
        await load.finish();
        const ids = async (where: Where, orderBy?: string[]) =>
          (await store.find(collection, { where, ...(orderBy ? { orderBy } : {}) })).map((d) => d._id);
        expect(await ids({ tenantId: 'acme' }, ['at'])).toEqual(['2', '1']);
        expect(await ids({ country: 'SG' })).toEqual(['1', '3']);
        expect(await ids({ state: 'open', dueAt: { lt: '2026-01-06' } })).toEqual(['2']);
        expect(await ids({ dueAt: null })).toEqual(['3']);
        expect(await ids({ done: true })).toEqual(['1']);
        await store.putMany(collection, [
          doc('1', 1, { tenantId: 'stale' }),
          doc('2', 5, { tenantId: 'acme', at: '2026-01-09', country: 'US' }),
        ]);
        expect((await store.get(collection, '1'))?.['tenantId']).toBe('acme');
        expect(await ids({ country: 'US' })).toEqual(['2']);
      });
    });

    describe('queries', () => {
      beforeEach(async () => {
        await store.putMany(collection, [
          doc('1', 1, {
            tenantId: 'acme',
            at: '2026-01-01T00:00:00.000Z',
            country: 'SG',
            systems: ['crm', 'backups'],
            state: 'open',
            dueAt: '2026-02-01T00:00:00.000Z',
            hours: 5,
          }),
          doc('2', 2, {
            tenantId: 'acme',
            at: '2026-01-02T00:00:00.000Z',
            country: 'IN',
            systems: ['crm'],
            state: 'open',
            dueAt: '2026-01-05T00:00:00.000Z',
            hours: 1,
          }),
          doc('3', 3, {
            tenantId: 'globex',
            at: '2026-01-03T00:00:00.000Z',
            country: 'SG',
            systems: [],
            state: 'completed',
            dueAt: '2026-01-10T00:00:00.000Z',
            hours: 10,
          }),
          doc('4', 4, {
            tenantId: 'acme',
            at: '2026-01-03T00:00:00.000Z',
            country: 'US',
            systems: ['backups'],
            state: 'completed',
            dueAt: '2026-01-10T00:00:00.000Z',
            hours: 2,
            done: true,
          }),
        ]);
      });
      const ids = (docs: ReadDocument[]) => docs.map((d) => d._id);

      it('filters by equality, in, contains and ranges', async () => {
        expect(ids(await store.find(collection, { where: { tenantId: 'acme' }, orderBy: ['at'] }))).toEqual(['1', '2', '4']);
        expect(ids(await store.find(collection, { where: { country: { in: ['IN', 'US'] } } }))).toEqual(['2', '4']);
        expect(ids(await store.find(collection, { where: { systems: { contains: 'backups' } } }))).toEqual(['1', '4']);
        expect(
          ids(await store.find(collection, { where: { at: { gte: '2026-01-02T00:00:00.000Z', lt: '2026-01-03T00:00:00.000Z' } } })),
        ).toEqual(['2']);
        expect(ids(await store.find(collection, { where: { hours: { gt: 1, lte: 5 } } }))).toEqual(['1', '4']);
        expect(ids(await store.find(collection, { where: { done: true } }))).toEqual(['4']);
        expect(ids(await store.find(collection, { where: { country: { in: [] } } }))).toEqual([]);
        expect(ids(await store.find(collection, { where: { state: 'open', dueAt: { lt: '2026-01-06T00:00:00.000Z' } } }))).toEqual(['2']);
      });

      it('filters by not-in: none of the values, a missing or null field matching unless null is listed', async () => {
        await store.putMany(collection, [doc('5', 5, { tenantId: 'acme', country: null, done: null })]);
        const notIn = async (where: Where) => ids(await store.find(collection, { where }));
        expect(await notIn({ country: { nin: ['SG'] } })).toEqual(['2', '4', '5']);
        expect(await notIn({ country: { nin: ['SG', 'IN', 'US'] } })).toEqual(['5']);
        expect(await notIn({ country: { nin: ['SG', null] } })).toEqual(['2', '4']);
        expect(await notIn({ country: { nin: [] } })).toEqual(['1', '2', '3', '4', '5']);
        expect(await notIn({ tenantId: 'acme', country: { nin: ['IN'] } })).toEqual(['1', '4', '5']);
        expect(await notIn({ hours: { nin: [1, 10] } })).toEqual(['1', '4', '5']);
        // `done` is true on 4, null on 5 and missing on the rest.
        expect(await notIn({ done: { nin: [true] } })).toEqual(['1', '2', '3', '5']);
        expect(await notIn({ done: { nin: [null] } })).toEqual(['4']);
        expect(await notIn({ done: { nin: [null, true] } })).toEqual([]);
        expect(await store.count(collection, { tenantId: 'acme', country: { nin: ['SG', 'US'] } })).toBe(2);
        // With sorting and keyset paging, as a paged read uses it.
        const page = await store.find(collection, {
          where: { country: { nin: ['IN'] } },
          orderBy: ['at'],
          limit: 2,
          after: ['2026-01-01T00:00:00.000Z', '1'],
        });
        expect(ids(page)).toEqual(['3', '4']);
      });

      it('sorts by fields then _id, both ways', async () => {
        expect(ids(await store.find(collection, { orderBy: ['at'] }))).toEqual(['1', '2', '3', '4']);
        expect(ids(await store.find(collection, { orderBy: ['at'], direction: 'desc' }))).toEqual(['4', '3', '2', '1']);
        expect(ids(await store.find(collection, { orderBy: ['hours'] }))).toEqual(['2', '4', '1', '3']);
      });

      it('pages with a keyset cursor without skipping or repeating, including ties', async () => {
        const seen: string[] = [];
        let after: (string | number | null)[] | undefined;
        for (;;) {
          const page = await store.find(collection, { orderBy: ['at'], limit: 1, ...(after && { after }) });
          if (page.length === 0) break;
          const last = page.at(-1)!;
          seen.push(last._id);
          after = [last['at'] as string, last._id];
        }
        expect(seen).toEqual(['1', '2', '3', '4']);
        const backwards = await store.find(collection, { orderBy: ['at'], direction: 'desc', after: ['2026-01-03T00:00:00.000Z', '4'] });
        expect(ids(backwards)).toEqual(['3', '2', '1']);
      });

      it('limits, offsets and counts', async () => {
        expect(ids(await store.find(collection, { orderBy: ['hours'], offset: 1, limit: 2 }))).toEqual(['4', '1']);
        expect(await store.count(collection)).toBe(4);
        expect(await store.count(collection, { tenantId: 'acme', state: 'open' })).toBe(2);
        expect(await store.count(collection, { systems: { contains: 'crm' } })).toBe(2);
      });

      it('refuses a field name that could inject a query', async () => {
        await expect(store.find(collection, { where: { "x') OR 1=1 --": 'a' } })).rejects.toThrow(/invalid field/);
      });
    });

    describe('checkpoints', () => {
      it('start at 0, only move forward when saved, and can be reset', async () => {
        const name = `p-${randomUUID()}`;
        expect(await store.getCheckpoint(name)).toBe(0);
        await store.saveCheckpoint(name, 10);
        await store.saveCheckpoint(name, 7);
        expect(await store.getCheckpoint(name)).toBe(10);
        await store.resetCheckpoint(name, 0);
        expect(await store.getCheckpoint(name)).toBe(0);
      });
    });

    describe('leases', () => {
      const T0 = 1_800_000_000_000;
      const TTL = 10_000;
      let name: string;
      beforeEach(() => {
        name = `p-${randomUUID()}`;
      });

      it('are taken when free, with token 1, and exclude another owner until they expire', async () => {
        expect(await store.getLease(name)).toBeNull();
        expect(await store.acquireLease(name, 'a', TTL, T0)).toEqual({ name, owner: 'a', token: 1, expiresAt: T0 + TTL });
        expect(await store.acquireLease(name, 'b', TTL, T0 + 1)).toBeNull();
        expect(await store.acquireLease(name, 'b', TTL, T0 + TTL - 1)).toBeNull();
        expect(await store.getLease(name)).toEqual({ name, owner: 'a', token: 1, expiresAt: T0 + TTL });
      });

      it('are renewed by their owner with the same token and a later expiry', async () => {
        await store.acquireLease(name, 'a', TTL, T0);
        expect(await store.acquireLease(name, 'a', TTL, T0 + 3000)).toEqual({ name, owner: 'a', token: 1, expiresAt: T0 + 3000 + TTL });
        // Past the first expiry, but renewed: still a's.
        expect(await store.acquireLease(name, 'b', TTL, T0 + TTL + 1)).toBeNull();
        // Expired but not taken over: the owner may still renew it, keeping its token.
        expect(await store.acquireLease(name, 'a', TTL, T0 + 3000 + TTL + 5)).toMatchObject({ owner: 'a', token: 1 });
      });

      it('are taken over after they expire, with the next fencing token', async () => {
        await store.acquireLease(name, 'a', TTL, T0);
        expect(await store.acquireLease(name, 'b', TTL, T0 + TTL)).toEqual({ name, owner: 'b', token: 2, expiresAt: T0 + TTL + TTL });
        // a's lease is gone: it cannot renew it, nor take it back before b's expires.
        expect(await store.acquireLease(name, 'a', TTL, T0 + TTL + 1)).toBeNull();
        expect(await store.acquireLease(name, 'a', TTL, T0 + 3 * TTL)).toMatchObject({ owner: 'a', token: 3 });
        expect((await store.getLease(name))?.token).toBe(3);
      });

      it('are free for the next owner once released, and only their owner can release them', async () => {
        await store.acquireLease(name, 'a', TTL, T0);
        await store.releaseLease(name, 'b');
        expect(await store.acquireLease(name, 'b', TTL, T0 + 1)).toBeNull();
        await store.releaseLease(name, 'a');
        expect(await store.getLease(name)).toMatchObject({ owner: null, token: 1 });
        expect(await store.acquireLease(name, 'b', TTL, T0 + 2)).toMatchObject({ owner: 'b', token: 2 });
      });

      it('give one lease to exactly one of several owners racing for it', async () => {
        const owners = ['a', 'b', 'c', 'd', 'e'];
        const results = await Promise.all(owners.map((owner) => store.acquireLease(name, owner, TTL, T0)));
        const winners = results.filter((lease) => lease !== null);
        expect(winners).toHaveLength(1);
        expect(winners[0]?.token).toBe(1);
        expect((await store.getLease(name))?.owner).toBe(winners[0]?.owner);
      });

      it('fence checkpoint writes: the current token moves it, an old token is refused and moves nothing', async () => {
        const first = await store.acquireLease(name, 'a', TTL, T0);
        await store.saveCheckpoint(name, 10, first!.token);
        expect(await store.getCheckpoint(name)).toBe(10);
        // An older position with the right token is ignored, as unfenced.
        await store.saveCheckpoint(name, 5, first!.token);
        expect(await store.getCheckpoint(name)).toBe(10);

        const second = await store.acquireLease(name, 'b', TTL, T0 + TTL + 1);
        expect(second?.token).toBe(2);
        const refused = store.saveCheckpoint(name, 20, first!.token);
        await expect(refused).rejects.toBeInstanceOf(LeaseLostError);
        await expect(refused).rejects.toMatchObject({ lease: name, token: 1 });
        expect(await store.getCheckpoint(name)).toBe(10);

        await store.saveCheckpoint(name, 15, second!.token);
        expect(await store.getCheckpoint(name)).toBe(15);
        // The deposed owner is refused even for a position the checkpoint has passed.
        await expect(store.saveCheckpoint(name, 12, first!.token)).rejects.toBeInstanceOf(LeaseLostError);
        await expect(store.saveCheckpoint(name, 16, 99)).rejects.toBeInstanceOf(LeaseLostError);
        expect(await store.getCheckpoint(name)).toBe(15);
      });

      it('refuse a fenced checkpoint write when the lease was never taken, and keep the existing checkpoint', async () => {
        await store.saveCheckpoint(name, 7);
        await expect(store.saveCheckpoint(name, 8, 1)).rejects.toBeInstanceOf(LeaseLostError);
        expect(await store.getCheckpoint(name)).toBe(7);
        // Taking the lease keeps the checkpoint it guards; reset still works beside it.
        const lease = await store.acquireLease(name, 'a', TTL, T0);
        expect(await store.getCheckpoint(name)).toBe(7);
        await store.saveCheckpoint(name, 9, lease!.token);
        expect(await store.getCheckpoint(name)).toBe(9);
        await store.resetCheckpoint(name, 0);
        expect(await store.getCheckpoint(name)).toBe(0);
        expect(await store.getLease(name)).toMatchObject({ owner: 'a', token: lease!.token });
      });
    });
  });
};
