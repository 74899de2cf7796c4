/**
 * Facts about a tenant's webhook subscriptions, on the tenant's subscription stream
 * (`subscriptions-<tenant>`), so the audit trail shows who subscribed to what and when.
 * Signing secrets are never here in plaintext: `sealedSecret` is sealed by the caller of the
 * decider (src/privacy/webhook-secrets.ts). Ids and values are public API: add, never rename.
 */

interface Fact<Type extends string, Data> {
  readonly type: Type;
  readonly occurredAt: string;
  readonly data: Data;
}

/** What a subscription delivers, and where; the same fields in a creation and a change. */
export interface SubscriptionSettings {
  readonly url: string;
  /** The event types delivered (see WEBHOOK_EVENT_TYPES). */
  readonly eventTypes: readonly string[];
  readonly description: string;
  /** Erasure systems bound to this subscription: a `deletion-requested` delivery carries their tasks. */
  readonly erasureSystems: readonly string[];
  /**
   * Recipients (the `recipient.id` of transfers) bound to this subscription: a
   * `recipient-notification-required` delivered to it lists only them, and its 2xx records
   * `recipient-notified` (channel `webhook`) for each (GDPR Art. 19).
   */
  readonly recipientIds: readonly string[];
  /** Paused: deliveries are kept, not sent, until resumed. */
  readonly paused: boolean;
}

export type SubscriptionCreated = Fact<
  'subscription-created',
  SubscriptionSettings & {
    readonly subscriptionId: string;
    /** Names the secret (a signature can be traced to it). */
    readonly secretId: string;
    /** The signing secret, sealed (AES-256-GCM under a key derived from the master key). */
    readonly sealedSecret: string;
  }
>;

export type SubscriptionChanged = Fact<'subscription-changed', SubscriptionSettings & { readonly subscriptionId: string }>;

export type SubscriptionDeleted = Fact<'subscription-deleted', { readonly subscriptionId: string }>;

export type SubscriptionSecretRotated = Fact<
  'subscription-secret-rotated',
  {
    readonly subscriptionId: string;
    readonly secretId: string;
    readonly sealedSecret: string;
    /** Until when the secrets it replaces keep signing too (receivers switch over meanwhile). */
    readonly previousSecretsExpireAt: string;
  }
>;

export type SubscriptionEvent = SubscriptionCreated | SubscriptionChanged | SubscriptionDeleted | SubscriptionSecretRotated;
export type SubscriptionEventType = SubscriptionEvent['type'];

export const SUBSCRIPTION_EVENT_TYPES: readonly SubscriptionEventType[] = [
  'subscription-created',
  'subscription-changed',
  'subscription-deleted',
  'subscription-secret-rotated',
];

export const isSubscriptionEventType = (type: string): type is SubscriptionEventType =>
  (SUBSCRIPTION_EVENT_TYPES as readonly string[]).includes(type);
