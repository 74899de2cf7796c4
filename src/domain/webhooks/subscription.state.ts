import type { SubscriptionEvent, SubscriptionSettings } from './subscription.events.js';

/** A secret a subscription signs with, sealed; `expiresAt` null while it is the current one. */
export interface SubscriptionSecret {
  readonly secretId: string;
  readonly sealedSecret: string;
  readonly expiresAt: string | null;
}

export interface Subscription extends SubscriptionSettings {
  readonly subscriptionId: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The current secret last. */
  readonly secrets: readonly SubscriptionSecret[];
}

/** A tenant's subscriptions as its stream says (deleted ones are gone). */
export interface SubscriptionsState {
  readonly subscriptions: ReadonlyMap<string, Subscription>;
}

export const initialSubscriptionsState = (): SubscriptionsState => ({ subscriptions: new Map() });

const withSubscription = (state: SubscriptionsState, subscription: Subscription): SubscriptionsState => {
  const subscriptions = new Map(state.subscriptions);
  subscriptions.set(subscription.subscriptionId, subscription);
  return { subscriptions };
};

export const evolveSubscriptions = (state: SubscriptionsState, event: SubscriptionEvent): SubscriptionsState => {
  switch (event.type) {
    case 'subscription-created': {
      const { subscriptionId, secretId, sealedSecret, ...settings } = event.data;
      return withSubscription(state, {
        ...settings,
        subscriptionId,
        createdAt: event.occurredAt,
        updatedAt: event.occurredAt,
        secrets: [{ secretId, sealedSecret, expiresAt: null }],
      });
    }
    case 'subscription-changed': {
      const known = state.subscriptions.get(event.data.subscriptionId);
      if (!known) return state;
      const { subscriptionId, ...settings } = event.data;
      return withSubscription(state, { ...known, ...settings, subscriptionId, updatedAt: event.occurredAt });
    }
    case 'subscription-deleted': {
      if (!state.subscriptions.has(event.data.subscriptionId)) return state;
      const subscriptions = new Map(state.subscriptions);
      subscriptions.delete(event.data.subscriptionId);
      return { subscriptions };
    }
    case 'subscription-secret-rotated': {
      const known = state.subscriptions.get(event.data.subscriptionId);
      if (!known) return state;
      const expiring = known.secrets.map((secret) =>
        secret.expiresAt === null || secret.expiresAt > event.data.previousSecretsExpireAt
          ? { ...secret, expiresAt: event.data.previousSecretsExpireAt }
          : secret,
      );
      return withSubscription(state, {
        ...known,
        updatedAt: event.occurredAt,
        secrets: [...expiring, { secretId: event.data.secretId, sealedSecret: event.data.sealedSecret, expiresAt: null }],
      });
    }
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

export const foldSubscriptions = (events: Iterable<SubscriptionEvent>): SubscriptionsState => {
  let state = initialSubscriptionsState();
  for (const event of events) state = evolveSubscriptions(state, event);
  return state;
};

/** The secrets that still sign at `now`: the current one and those within their overlap. */
export const signingSecrets = (subscription: Pick<Subscription, 'secrets'>, now: Date): SubscriptionSecret[] =>
  subscription.secrets.filter((secret) => secret.expiresAt === null || Date.parse(secret.expiresAt) > now.getTime());
