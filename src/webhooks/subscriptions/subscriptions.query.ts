import { Inject, Injectable } from '@nestjs/common';
import { LedgerError } from '../../domain/ledger-error.js';
import { subscriptionStreamId } from '../../domain/stream-id.js';
import { isSubscriptionEventType, type SubscriptionEvent } from '../../domain/webhooks/subscription.events.js';
import { foldSubscriptions, type Subscription } from '../../domain/webhooks/subscription.state.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';

/** What a read shows of a subscription: everything but the secrets themselves. */
export interface SubscriptionView {
  readonly subscriptionId: string;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly description: string;
  readonly erasureSystems: readonly string[];
  readonly recipientIds: readonly string[];
  readonly paused: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The secrets that sign (or signed), by id: the current one has `expiresAt` null. */
  readonly secrets: readonly { readonly secretId: string; readonly expiresAt: string | null }[];
}

export const subscriptionView = (subscription: Subscription): SubscriptionView => ({
  subscriptionId: subscription.subscriptionId,
  url: subscription.url,
  eventTypes: subscription.eventTypes,
  description: subscription.description,
  erasureSystems: subscription.erasureSystems,
  recipientIds: subscription.recipientIds,
  paused: subscription.paused,
  createdAt: subscription.createdAt,
  updatedAt: subscription.updatedAt,
  secrets: subscription.secrets.map(({ secretId, expiresAt }) => ({ secretId, expiresAt })),
});

/**
 * A tenant's subscriptions, folded from its subscription stream (small, and read whole like
 * the policy stream): a read right after a command sees it, with no projection to wait for.
 */
@Injectable()
export class SubscriptionsQuery {
  constructor(@Inject(EVENT_STORE) private readonly events: EventStore) {}

  async all(tenantId: string): Promise<Subscription[]> {
    const stream = await this.events.readStream(subscriptionStreamId(tenantId));
    const facts = stream
      .filter((event) => isSubscriptionEventType(event.type))
      .map((event) => ({ type: event.type, occurredAt: event.occurredAt, data: event.data }) as unknown as SubscriptionEvent);
    return [...foldSubscriptions(facts).subscriptions.values()];
  }

  async one(tenantId: string, subscriptionId: string): Promise<Subscription> {
    const found = (await this.all(tenantId)).find((s) => s.subscriptionId === subscriptionId);
    if (!found) throw new LedgerError('not-found', 'This tenant has no subscription with this id.');
    return found;
  }
}
