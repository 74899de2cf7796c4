import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Delivery, DeliveryStore, KnownSubscription } from '../../src/webhooks/delivery/delivery-store.port.js';

/**
 * The delivery store's contract, run once per backing store. Collections are shared between
 * tests (the store names them), so each test works with its own fresh subscription ids.
 */
export const deliveryStoreContract = (backing: string, open: () => Promise<{ store: DeliveryStore; close: () => Promise<void> }>): void => {
  describe(`DeliveryStore contract: ${backing}`, () => {
    let store: DeliveryStore;
    let close: () => Promise<void>;
    let subscriptionId: string;

    beforeEach(async () => {
      ({ store, close } = await open());
      await store.prepare();
      subscriptionId = `sub-${randomUUID()}`;
    });
    afterEach(async () => {
      await close();
    });

    const delivery = (n: number, overrides: Partial<Delivery> = {}): Delivery => ({
      deliveryId: `${subscriptionId}-d${n}`,
      subscriptionId,
      tenantId: 'acme',
      subjectId: `s${n % 2}`,
      eventId: randomUUID(),
      eventType: 'consent-given',
      globalPosition: 1_000_000 + n,
      state: 'pending',
      attempts: 0,
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
      windowStartedAt: null,
      nextAttemptAt: '2026-01-01T00:00:00.000Z',
      lastAttemptAt: null,
      lastStatus: null,
      lastError: null,
      deliveredAt: null,
      version: 1,
      ...overrides,
    });
    const mine = (list: readonly Delivery[]) => list.filter((d) => d.subscriptionId === subscriptionId);

    it('keeps a delivery whole, and adding it again leaves the stored state alone', async () => {
      const first = delivery(1);
      await store.addDeliveries([first]);
      expect(await store.getDelivery(first.deliveryId)).toEqual(first);
      const tried: Delivery = { ...first, state: 'failed', attempts: 1, lastStatus: 500, lastError: 'boom', version: 2 };
      expect(await store.saveDelivery(tried)).toBe(true);
      await store.addDeliveries([first]);
      expect(await store.getDelivery(first.deliveryId)).toEqual(tried);
    });

    it('drops a write based on an older version (the other writer won)', async () => {
      const first = delivery(1);
      await store.addDeliveries([first]);
      expect(await store.saveDelivery({ ...first, state: 'delivered', attempts: 1, version: 2 })).toBe(true);
      expect(await store.saveDelivery({ ...first, state: 'dead', attempts: 1, version: 2 })).toBe(false);
      expect((await store.getDelivery(first.deliveryId))?.state).toBe('delivered');
      expect(await store.getDelivery(`${subscriptionId}-none`)).toBeNull();
    });

    it('lists the active deliveries oldest position first, and none delivered or dead', async () => {
      await store.addDeliveries([delivery(3), delivery(1), delivery(2), delivery(4)]);
      await store.saveDelivery({ ...delivery(2), state: 'delivered', version: 2 });
      await store.saveDelivery({ ...delivery(4), state: 'dead', version: 2 });
      await store.saveDelivery({ ...delivery(3), state: 'failed', attempts: 1, version: 2 });
      expect(mine(await store.activeDeliveries(10_000)).map((d) => [d.deliveryId, d.state])).toEqual([
        [delivery(1).deliveryId, 'pending'],
        [delivery(3).deliveryId, 'failed'],
      ]);
      expect((await store.oldestActive(subscriptionId))?.deliveryId).toBe(delivery(1).deliveryId);
      expect(await store.countDeliveries(subscriptionId, ['pending', 'failed'])).toBe(2);
      expect(await store.countDeliveries(subscriptionId, ['dead'])).toBe(1);
    });

    it('pages a subscription’s deliveries newest first, by state too', async () => {
      await store.addDeliveries([1, 2, 3, 4, 5].map((n) => delivery(n)));
      await store.saveDelivery({ ...delivery(2), state: 'dead', version: 2 });
      const first = await store.listDeliveries(subscriptionId, { limit: 2 });
      expect(first.deliveries.map((d) => d.globalPosition)).toEqual([1_000_005, 1_000_004]);
      expect(first.nextCursor).not.toBeNull();
      const second = await store.listDeliveries(subscriptionId, { limit: 10, cursor: first.nextCursor! });
      expect(second.deliveries.map((d) => d.globalPosition)).toEqual([1_000_003, 1_000_002, 1_000_001]);
      expect(second.nextCursor).toBeNull();
      const dead = await store.listDeliveries(subscriptionId, { state: 'dead', limit: 10 });
      expect(dead.deliveries.map((d) => d.deliveryId)).toEqual([delivery(2).deliveryId]);
    });

    it('keeps the subscriptions the worker knows, a later position replacing an earlier one', async () => {
      const known: KnownSubscription = {
        subscriptionId,
        tenantId: 'acme',
        url: 'https://hooks.example/a',
        eventTypes: ['consent-given'],
        erasureSystems: [],
        recipientIds: [],
        paused: false,
        deleted: false,
        secrets: [{ secretId: 'k1', sealedSecret: 'enc:v1:x', expiresAt: null }],
        since: 10,
        position: 10,
      };
      await store.saveSubscription(known);
      await store.saveSubscription({ ...known, paused: true, position: 12 });
      await store.saveSubscription({ ...known, url: 'https://stale.example', position: 11 });
      expect((await store.subscriptions()).find((s) => s.subscriptionId === subscriptionId)).toEqual({
        ...known,
        paused: true,
        position: 12,
      });
    });

    it('keeps replay requests until done', async () => {
      const replayId = `replay-${subscriptionId}`;
      const replay = { replayId, subscriptionId, tenantId: 'acme', nextPosition: 5, toPosition: 9, done: false, version: 1 };
      expect(await store.saveReplay(replay)).toBe(true);
      expect((await store.openReplays()).find((r) => r.replayId === replayId)).toEqual(replay);
      expect(await store.saveReplay({ ...replay, nextPosition: 10, done: true, version: 2 })).toBe(true);
      expect((await store.openReplays()).find((r) => r.replayId === replayId)).toBeUndefined();
    });
  });
};
