import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { subjectKeyId, type SubjectKeyRecord, type SubjectKeyStore } from '../../src/key-store/subject-key-store.port.js';

/** The subject-key-store port's contract, run once per adapter. */
export const subjectKeyStoreContract = (adapterName: string, openStore: () => Promise<SubjectKeyStore>): void => {
  describe(`SubjectKeyStore contract: ${adapterName}`, () => {
    let store: SubjectKeyStore;
    beforeEach(async () => {
      store = await openStore();
    });
    afterEach(async () => {
      await store.close();
    });

    const aRecord = (overrides: Partial<SubjectKeyRecord> = {}): SubjectKeyRecord => ({
      tenantId: `t-${randomUUID().slice(0, 8)}`,
      subjectId: `s-${randomUUID()}`,
      wrappedKey: randomBytes(60),
      masterKeyId: randomBytes(8).toString('hex'),
      createdAt: '2026-01-01T00:00:00.000Z',
      ...overrides,
    });
    const idOf = (record: SubjectKeyRecord) => subjectKeyId(record.tenantId, record.subjectId);

    describe('insertIfAbsent', () => {
      it('stores a new record and gives back exactly what was stored', async () => {
        const record = aRecord();
        expect(await store.insertIfAbsent(record)).toEqual(record);
        expect((await store.findMany([idOf(record)])).get(idOf(record))).toEqual(record);
      });

      it('keeps the first record of a subject and gives that one back to a later creator', async () => {
        const first = aRecord();
        await store.insertIfAbsent(first);
        const second = { ...first, wrappedKey: randomBytes(60), masterKeyId: 'other' };
        expect(await store.insertIfAbsent(second)).toEqual(first);
        expect((await store.findMany([idOf(first)])).get(idOf(first))?.wrappedKey).toEqual(first.wrappedKey);
      });

      it('ends with one key when creators race, and every creator is given that key', async () => {
        const subject = aRecord();
        const candidates = Array.from({ length: 8 }, () => ({ ...subject, wrappedKey: randomBytes(60) }));
        const results = await Promise.all(candidates.map((candidate) => store.insertIfAbsent(candidate)));
        const winners = new Set(results.map((result) => result.wrappedKey.toString('hex')));
        expect(winners.size).toBe(1);
        expect(candidates.map((c) => c.wrappedKey.toString('hex'))).toContain([...winners][0]);
        expect((await store.findMany([idOf(subject)])).get(idOf(subject))?.wrappedKey.toString('hex')).toBe([...winners][0]);
      });

      it('keeps subjects apart whose ids would collide if joined naively', async () => {
        const tenantId = `t-${randomUUID().slice(0, 8)}`;
        const a = aRecord({ tenantId, subjectId: 'a/b' });
        const b = aRecord({ tenantId: `${tenantId}/a`, subjectId: 'b' });
        await store.insertIfAbsent(a);
        expect(await store.insertIfAbsent(b)).toEqual(b);
        const found = await store.findMany([idOf(a), idOf(b)]);
        expect(found.get(idOf(a))).toEqual(a);
        expect(found.get(idOf(b))).toEqual(b);
      });
    });

    describe('findMany', () => {
      it('finds several records in one call and leaves unknown ids out', async () => {
        const records = [aRecord(), aRecord(), aRecord()];
        for (const record of records) await store.insertIfAbsent(record);
        const unknown = subjectKeyId('nobody', randomUUID());
        const found = await store.findMany([...records.map(idOf), unknown, idOf(records[0]!)]);
        expect([...found.keys()].sort()).toEqual(records.map(idOf).sort());
        for (const record of records) expect(found.get(idOf(record))).toEqual(record);
      });

      it('answers an empty map for no ids', async () => {
        expect((await store.findMany([])).size).toBe(0);
      });

      it('finds more records than one lookup chunk holds', async () => {
        const records = Array.from({ length: 510 }, () => aRecord());
        for (const record of records) await store.insertIfAbsent(record);
        const found = await store.findMany(records.map(idOf));
        expect(found.size).toBe(510);
      });
    });

    describe('delete', () => {
      it('removes the record and says so; a second delete is a no-op', async () => {
        const record = aRecord();
        await store.insertIfAbsent(record);
        expect(await store.delete(idOf(record))).toBe(true);
        expect((await store.findMany([idOf(record)])).size).toBe(0);
        expect(await store.delete(idOf(record))).toBe(false);
      });

      it('leaves other subjects alone', async () => {
        const gone = aRecord();
        const kept = aRecord({ tenantId: gone.tenantId });
        await store.insertIfAbsent(gone);
        await store.insertIfAbsent(kept);
        await store.delete(idOf(gone));
        expect((await store.findMany([idOf(kept)])).get(idOf(kept))).toEqual(kept);
      });

      it('lets a new key be created after the old one was destroyed', async () => {
        const old = aRecord();
        await store.insertIfAbsent(old);
        await store.delete(idOf(old));
        const fresh = { ...old, wrappedKey: randomBytes(60) };
        expect(await store.insertIfAbsent(fresh)).toEqual(fresh);
      });
    });

    describe('marking for shredding', () => {
      it('lists marked records until they are deleted', async () => {
        const marked = aRecord();
        const unmarked = aRecord();
        await store.insertIfAbsent(marked);
        await store.insertIfAbsent(unmarked);
        await store.markForShredding(idOf(marked), '2026-02-01T00:00:00.000Z');
        const listed = (await store.markedForShredding()).map(idOf);
        expect(listed).toContain(idOf(marked));
        expect(listed).not.toContain(idOf(unmarked));
        // Marking keeps the key usable: the shredding event still has to be appended.
        expect((await store.findMany([idOf(marked)])).get(idOf(marked))).toEqual(marked);
        await store.delete(idOf(marked));
        expect((await store.markedForShredding()).map(idOf)).not.toContain(idOf(marked));
      });

      it('is a no-op for a subject without a key', async () => {
        const id = subjectKeyId('nobody', randomUUID());
        await store.markForShredding(id, '2026-02-01T00:00:00.000Z');
        expect((await store.findMany([id])).size).toBe(0);
        expect((await store.markedForShredding()).map(idOf)).not.toContain(id);
      });

      it('is idempotent', async () => {
        const record = aRecord();
        await store.insertIfAbsent(record);
        await store.markForShredding(idOf(record), '2026-02-01T00:00:00.000Z');
        await store.markForShredding(idOf(record), '2026-02-02T00:00:00.000Z');
        expect((await store.markedForShredding()).filter((r) => idOf(r) === idOf(record))).toHaveLength(1);
      });
    });

  });
};

/** For an adapter opened on a fresh, empty store: the fingerprint of nothing is null. */
export const emptySubjectKeyStoreContract = (adapterName: string, openEmptyStore: () => Promise<SubjectKeyStore>): void => {
  describe(`SubjectKeyStore contract on an empty store: ${adapterName}`, () => {
    it('has no fingerprint until a key is stored, then the stored one', async () => {
      const store = await openEmptyStore();
      try {
        expect(await store.anyFingerprint()).toBeNull();
        await store.insertIfAbsent({
          tenantId: 't',
          subjectId: 's',
          wrappedKey: randomBytes(60),
          masterKeyId: 'fedcba9876543210',
          createdAt: '2026-01-01T00:00:00.000Z',
        });
        expect(await store.anyFingerprint()).toBe('fedcba9876543210');
      } finally {
        await store.close();
      }
    });
  });
};
