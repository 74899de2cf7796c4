import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { ReadDocument, ReadStore } from '../../src/read-store/read-store.port.js';

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
        await store.putMany(collection, [doc('a', 3, { v: 'stale' }), doc('c', 4, { v: 'c4' }), doc('b', 6, { v: 'b6' }), doc('a', 4, { v: 'stale' })]);
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

    describe('queries', () => {
      beforeEach(async () => {
        await store.putMany(collection, [
          doc('1', 1, { tenantId: 'acme', at: '2026-01-01T00:00:00.000Z', country: 'SG', systems: ['crm', 'backups'], state: 'open', dueAt: '2026-02-01T00:00:00.000Z', hours: 5 }),
          doc('2', 2, { tenantId: 'acme', at: '2026-01-02T00:00:00.000Z', country: 'IN', systems: ['crm'], state: 'open', dueAt: '2026-01-05T00:00:00.000Z', hours: 1 }),
          doc('3', 3, { tenantId: 'globex', at: '2026-01-03T00:00:00.000Z', country: 'SG', systems: [], state: 'completed', dueAt: '2026-01-10T00:00:00.000Z', hours: 10 }),
          doc('4', 4, { tenantId: 'acme', at: '2026-01-03T00:00:00.000Z', country: 'US', systems: ['backups'], state: 'completed', dueAt: '2026-01-10T00:00:00.000Z', hours: 2, done: true }),
        ]);
      });
      const ids = (docs: ReadDocument[]) => docs.map((d) => d._id);

      it('filters by equality, in, contains and ranges', async () => {
        expect(ids(await store.find(collection, { where: { tenantId: 'acme' }, orderBy: ['at'] }))).toEqual(['1', '2', '4']);
        expect(ids(await store.find(collection, { where: { country: { in: ['IN', 'US'] } } }))).toEqual(['2', '4']);
        expect(ids(await store.find(collection, { where: { systems: { contains: 'backups' } } }))).toEqual(['1', '4']);
        expect(ids(await store.find(collection, { where: { at: { gte: '2026-01-02T00:00:00.000Z', lt: '2026-01-03T00:00:00.000Z' } } }))).toEqual(['2']);
        expect(ids(await store.find(collection, { where: { hours: { gt: 1, lte: 5 } } }))).toEqual(['1', '4']);
        expect(ids(await store.find(collection, { where: { done: true } }))).toEqual(['4']);
        expect(ids(await store.find(collection, { where: { country: { in: [] } } }))).toEqual([]);
        expect(ids(await store.find(collection, { where: { state: 'open', dueAt: { lt: '2026-01-06T00:00:00.000Z' } } }))).toEqual(['2']);
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
  });
};
