import { validationFailed } from '../../domain/ledger-error.js';
import type { ReadDocument, ReadStore, Scalar } from '../../read-store/read-store.port.js';
import type { Delivery, DeliveryPage, DeliveryState, DeliveryStore, KnownSubscription, ReplayRequest } from './delivery-store.port.js';

const DELIVERIES = 'webhook_deliveries';
const SUBSCRIPTIONS = 'webhook_subscriptions';
const REPLAYS = 'webhook_replays';

export const DELIVERY_COLLECTIONS = [
  {
    name: DELIVERIES,
    indexes: [
      ['state', 'globalPosition'],
      ['subscriptionId', 'globalPosition'],
      ['subscriptionId', 'state', 'globalPosition'],
    ],
  },
  { name: SUBSCRIPTIONS, indexes: [] },
  { name: REPLAYS, indexes: [['done']] },
] as const;

type Doc<T> = ReadDocument & Omit<T, 'version'>;

/**
 * The delivery store on the read-store port, so it runs on every read-store adapter (the
 * embedded SQLite and MongoDB) with their guarantees: each document written whole, and a
 * write whose `_position` is not above the stored one's is dropped. Here `_position` is the
 * document's version, which is what makes a delivery's state a compare-and-set: the worker
 * and a redelivery route that both write version n+1 cannot both win.
 */
export class ReadStoreDeliveryStore implements DeliveryStore {
  constructor(private readonly store: ReadStore) {}

  prepare(): Promise<void> {
    return this.store.prepare(DELIVERY_COLLECTIONS.map((c) => ({ name: c.name, indexes: c.indexes.map((i) => [...i]) })));
  }

  async addDeliveries(deliveries: readonly Delivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    // Version 1: any delivery already stored (a batch applied again after a crash) is at 1 or above and stays.
    await this.store.putMany(
      DELIVERIES,
      deliveries.map((d) => toDoc(d.deliveryId, { ...d, version: 1 })),
    );
  }

  async saveDelivery(delivery: Delivery): Promise<boolean> {
    await this.store.putMany(DELIVERIES, [toDoc(delivery.deliveryId, delivery)]);
    const stored = await this.getDelivery(delivery.deliveryId);
    return (
      stored !== null && stored.version === delivery.version && stored.state === delivery.state && stored.attempts === delivery.attempts
    );
  }

  async getDelivery(deliveryId: string): Promise<Delivery | null> {
    const doc = await this.store.get<Doc<Delivery>>(DELIVERIES, deliveryId);
    return doc === null ? null : fromDoc<Delivery>(doc, 'deliveryId');
  }

  async activeDeliveries(limit: number): Promise<Delivery[]> {
    const docs = await this.store.find<Doc<Delivery>>(DELIVERIES, {
      where: { state: { in: ['pending', 'failed'] } },
      orderBy: ['globalPosition'],
      limit,
    });
    return docs.map((doc) => fromDoc<Delivery>(doc, 'deliveryId'));
  }

  async listDeliveries(subscriptionId: string, options: { state?: DeliveryState; cursor?: string; limit: number }): Promise<DeliveryPage> {
    const docs = await this.store.find<Doc<Delivery>>(DELIVERIES, {
      where: { subscriptionId, ...(options.state !== undefined && { state: options.state }) },
      orderBy: ['globalPosition'],
      direction: 'desc',
      limit: options.limit + 1,
      ...(options.cursor !== undefined && { after: decodeCursor(options.cursor) }),
    });
    const page = docs.slice(0, options.limit);
    const last = page.at(-1);
    return {
      deliveries: page.map((doc) => fromDoc<Delivery>(doc, 'deliveryId')),
      nextCursor: docs.length > options.limit && last ? encodeCursor([last['globalPosition'] as number, last._id]) : null,
    };
  }

  countDeliveries(subscriptionId: string, states: readonly DeliveryState[]): Promise<number> {
    return this.store.count(DELIVERIES, { subscriptionId, state: { in: [...states] } });
  }

  async oldestActive(subscriptionId: string): Promise<Delivery | null> {
    const [doc] = await this.store.find<Doc<Delivery>>(DELIVERIES, {
      where: { subscriptionId, state: { in: ['pending', 'failed'] } },
      orderBy: ['globalPosition'],
      limit: 1,
    });
    return doc === undefined ? null : fromDoc<Delivery>(doc, 'deliveryId');
  }

  async saveSubscription(subscription: KnownSubscription): Promise<void> {
    const { position, ...rest } = subscription;
    await this.store.putMany(SUBSCRIPTIONS, [{ _id: subscription.subscriptionId, _position: position, ...rest }]);
  }

  async subscriptions(): Promise<KnownSubscription[]> {
    const docs = await this.store.find<ReadDocument>(SUBSCRIPTIONS, {});
    return docs.map(({ _id, _position, ...rest }) => ({ ...(rest as Omit<KnownSubscription, 'position'>), position: _position }));
  }

  async saveReplay(replay: ReplayRequest): Promise<boolean> {
    await this.store.putMany(REPLAYS, [toDoc(replay.replayId, replay)]);
    const stored = await this.store.get<Doc<ReplayRequest>>(REPLAYS, replay.replayId);
    return stored !== null && stored._position === replay.version;
  }

  async openReplays(): Promise<ReplayRequest[]> {
    const docs = await this.store.find<Doc<ReplayRequest>>(REPLAYS, { where: { done: false } });
    return docs.map((doc) => fromDoc<ReplayRequest>(doc, 'replayId'));
  }
}

const toDoc = <T extends { readonly version: number }>(id: string, value: T): ReadDocument => {
  const { version, ...rest } = value;
  return { ...rest, _id: id, _position: version } as ReadDocument;
};

const fromDoc = <T>(doc: ReadDocument, idField: string): T => {
  const { _id, _position, ...rest } = doc;
  return { ...rest, [idField]: _id, version: _position } as unknown as T;
};

const encodeCursor = (values: readonly Scalar[]): string => Buffer.from(JSON.stringify(values)).toString('base64url');

const decodeCursor = (cursor: string): Scalar[] => {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === 2 && typeof values[0] === 'number' && typeof values[1] === 'string') {
      return values as Scalar[];
    }
  } catch {
    // fall through to the validation error
  }
  throw validationFailed([{ field: 'cursor', message: 'cursor is not one this API gave out' }]);
};
