import type { StoredEvent } from '../../event-store/event-store.port.js';
import type { Delivery, KnownSubscription } from './delivery-store.port.js';

/**
 * What a delivery must record once its receiver answered 2xx (that an erasure system got its
 * task, that a recipient was notified). Called before the delivery is stored as delivered: if
 * it throws, the delivery is retried (and sent again), so both happen at least once; it must
 * therefore be idempotent.
 */
export interface DeliveryHooks {
  onDelivered(delivery: Delivery, event: StoredEvent, subscription: KnownSubscription): Promise<void>;
}

export const DELIVERY_HOOKS = Symbol('DeliveryHooks');
