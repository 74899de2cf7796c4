import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { IdempotencyRecord, IdempotencyStore } from '../../src/idempotency/idempotency-store.port.js';

/** The idempotency-store port's contract, run once per adapter. */
export const idempotencyStoreContract = (adapterName: string, openStore: () => Promise<IdempotencyStore>): void => {
  describe(`IdempotencyStore contract: ${adapterName}`, () => {
    let store: IdempotencyStore;
    beforeEach(async () => {
      store = await openStore();
    });
    afterEach(async () => {
      await store.close();
    });

    const record = (overrides: Partial<IdempotencyRecord> = {}): IdempotencyRecord => ({
      tenantId: `t-${randomUUID().slice(0, 8)}`,
      key: `k-${randomUUID()}`,
      fingerprint: 'a'.repeat(64),
      status: 201,
      body: { subjectId: 's', events: [{ id: randomUUID(), type: 'consent-given', streamPosition: 0, globalPosition: 7 }] },
      createdAt: '2026-01-01T00:00:00.000Z',
      ...overrides,
    });

    it('finds nothing for a key never used', async () => {
      expect(await store.find('acme', `never-${randomUUID()}`)).toBeNull();
    });

    it('gives back exactly what was saved', async () => {
      const saved = record();
      await store.save(saved);
      expect(await store.find(saved.tenantId, saved.key)).toEqual(saved);
    });

    it('keeps the first record of a key', async () => {
      const first = record();
      await store.save(first);
      await store.save({ ...first, fingerprint: 'b'.repeat(64), status: 200, body: { subjectId: 's', events: [] } });
      expect(await store.find(first.tenantId, first.key)).toEqual(first);
    });

    it('keeps keys of different tenants apart', async () => {
      const mine = record();
      const theirs = record({ key: mine.key, status: 409, body: { code: 'consent-not-active' } });
      await store.save(mine);
      await store.save(theirs);
      expect((await store.find(mine.tenantId, mine.key))?.status).toBe(201);
      expect((await store.find(theirs.tenantId, theirs.key))?.status).toBe(409);
    });
  });
};
