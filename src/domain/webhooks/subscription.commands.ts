import type { SubscriptionSettings } from './subscription.events.js';

export interface CreateSubscription {
  readonly type: 'create-subscription';
  /** Chosen by the caller of the decider (an id generator), so the decision stays pure. */
  readonly subscriptionId: string;
  readonly settings: SubscriptionSettings;
  readonly secretId: string;
  readonly sealedSecret: string;
}

/** Changes some settings; the fields left out stay as they are. */
export interface ChangeSubscription {
  readonly type: 'change-subscription';
  readonly subscriptionId: string;
  readonly changes: Partial<SubscriptionSettings>;
}

export interface DeleteSubscription {
  readonly type: 'delete-subscription';
  readonly subscriptionId: string;
}

export interface RotateSubscriptionSecret {
  readonly type: 'rotate-subscription-secret';
  readonly subscriptionId: string;
  readonly secretId: string;
  readonly sealedSecret: string;
  /** How long the secrets it replaces keep signing, in milliseconds. */
  readonly overlapMs: number;
}

export type SubscriptionCommand = CreateSubscription | ChangeSubscription | DeleteSubscription | RotateSubscriptionSecret;

export interface SubscriptionDecisionContext {
  readonly occurredAt: string;
}
