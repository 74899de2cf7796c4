import { createHash } from 'node:crypto';
import { isSubscriptionEventType, type SubscriptionEvent } from '../../domain/webhooks/subscription.events.js';
import type { StoredEvent } from '../../event-store/event-store.port.js';
import type { Delivery, KnownSubscription } from './delivery-store.port.js';

/**
 * A subscription as the worker knows it after one more event of its tenant's subscription
 * stream (read from the global log, in order), or undefined when the event is no
 * subscription event. A deleted subscription is kept, marked, so a restart cannot revive it.
 */
export const applySubscriptionEvent = (
  known: ReadonlyMap<string, KnownSubscription>,
  stored: StoredEvent,
): KnownSubscription | undefined => {
  if (!isSubscriptionEventType(stored.type)) return undefined;
  const event = { type: stored.type, occurredAt: stored.occurredAt, data: stored.data } as unknown as SubscriptionEvent;
  const before = known.get(event.data.subscriptionId);
  const position = stored.globalPosition;
  // Read again after a crash (the subscriptions were stored, the checkpoint not yet moved).
  if (before !== undefined && before.position >= position) return undefined;
  switch (event.type) {
    case 'subscription-created': {
      const { subscriptionId, url, eventTypes, erasureSystems, recipientIds, paused, secretId, sealedSecret } = event.data;
      return {
        subscriptionId,
        tenantId: stored.metadata.tenantId,
        url,
        eventTypes,
        erasureSystems,
        recipientIds,
        paused,
        deleted: false,
        secrets: [{ secretId, sealedSecret, expiresAt: null }],
        since: position,
        position,
      };
    }
    case 'subscription-changed': {
      if (!before) return undefined;
      const { url, eventTypes, erasureSystems, recipientIds, paused } = event.data;
      return { ...before, url, eventTypes, erasureSystems, recipientIds, paused, position };
    }
    case 'subscription-deleted':
      return before ? { ...before, deleted: true, position } : undefined;
    case 'subscription-secret-rotated': {
      if (!before) return undefined;
      const until = event.data.previousSecretsExpireAt;
      const secrets = before.secrets.map((s) => (s.expiresAt === null || s.expiresAt > until ? { ...s, expiresAt: until } : s));
      return {
        ...before,
        secrets: [...secrets, { secretId: event.data.secretId, sealedSecret: event.data.sealedSecret, expiresAt: null }],
        position,
      };
    }
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

/** Whether an event goes to a subscription: same tenant, a type it asked for, not deleted. */
export const wants = (subscription: KnownSubscription, event: StoredEvent): boolean =>
  !subscription.deleted &&
  subscription.tenantId === event.metadata.tenantId &&
  subscription.eventTypes.includes(event.type) &&
  event.globalPosition > subscription.since;

/**
 * One delivery id per subscription and event (and per replay): deterministic, so that a batch
 * the worker fans out again after a crash finds its deliveries already there.
 */
export const deliveryIdOf = (subscriptionId: string, eventId: string, replayId = ''): string =>
  `msg_${createHash('sha256').update(`${subscriptionId}\n${eventId}\n${replayId}`).digest('base64url').slice(0, 32)}`;

export const newDelivery = (subscription: KnownSubscription, event: StoredEvent, now: Date, replayId?: string): Delivery => ({
  deliveryId: deliveryIdOf(subscription.subscriptionId, event.id, replayId),
  subscriptionId: subscription.subscriptionId,
  tenantId: event.metadata.tenantId,
  subjectId: event.metadata.subjectId,
  eventId: event.id,
  eventType: event.type,
  globalPosition: event.globalPosition,
  state: 'pending',
  attempts: 0,
  createdAt: now.toISOString(),
  windowStartedAt: null,
  nextAttemptAt: now.toISOString(),
  lastAttemptAt: null,
  lastStatus: null,
  lastError: null,
  deliveredAt: null,
  version: 1,
});

/** Deliveries of one subscription about one subject go one at a time, in log order. */
export const laneOf = (delivery: Pick<Delivery, 'subscriptionId' | 'tenantId' | 'subjectId'>): string =>
  `${delivery.subscriptionId}\n${delivery.tenantId}\n${delivery.subjectId}`;
