/**
 * Where the delivery worker keeps what it must not lose: each delivery's state, the
 * subscriptions as of its checkpoint, replay requests, and (through the read store) its
 * checkpoint and lease. Everything is written before it is acted on, so a kill -9 loses
 * nothing: after a restart the worker resumes from the stored state (at least once).
 * The contract suite is test/contract/delivery-store.contract.ts.
 */

export const DELIVERY_STATES = ['pending', 'failed', 'delivered', 'dead'] as const;
/** `pending`: not tried yet; `failed`: tried, a retry is scheduled; `delivered`: a 2xx; `dead`: the retry window ran out. */
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export interface Delivery {
  /** Also the `webhook-id` header of every attempt. */
  readonly deliveryId: string;
  readonly subscriptionId: string;
  readonly tenantId: string;
  /** '' for an event about the tenant itself. */
  readonly subjectId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly globalPosition: number;
  readonly state: DeliveryState;
  readonly attempts: number;
  readonly createdAt: string;
  /** When the current retry window started (the first attempt, or the last redelivery). */
  readonly windowStartedAt: string | null;
  readonly nextAttemptAt: string;
  readonly lastAttemptAt: string | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly deliveredAt: string | null;
  /** Bumped on every write: a write based on an older version is dropped. */
  readonly version: number;
}

/** A subscription as the worker knows it at its checkpoint (from the subscription events it read). */
export interface KnownSubscription {
  readonly subscriptionId: string;
  readonly tenantId: string;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly erasureSystems: readonly string[];
  /** Recipients it speaks for (Art. 19 notices). */
  readonly recipientIds: readonly string[];
  readonly paused: boolean;
  readonly deleted: boolean;
  readonly secrets: readonly { readonly secretId: string; readonly sealedSecret: string; readonly expiresAt: string | null }[];
  /** Global position of its creation: it receives the events after it. */
  readonly since: number;
  /** Global position of the last subscription event applied. */
  readonly position: number;
}

/** A replay asked for through the API, done by the worker. */
export interface ReplayRequest {
  readonly replayId: string;
  readonly subscriptionId: string;
  readonly tenantId: string;
  /** The next global position to replay. */
  readonly nextPosition: number;
  /** The last position to replay (the log's end when asked). */
  readonly toPosition: number;
  readonly done: boolean;
  readonly version: number;
}

export interface DeliveryPage {
  readonly deliveries: Delivery[];
  readonly nextCursor: string | null;
}

export interface DeliveryStore {
  prepare(): Promise<void>;
  /** Adds deliveries; one that exists already (the same id) is left as it is. */
  addDeliveries(deliveries: readonly Delivery[]): Promise<void>;
  /**
   * Writes a delivery unless the stored one has a version at or above this one's (a
   * concurrent writer won). Returns whether it was written.
   */
  saveDelivery(delivery: Delivery): Promise<boolean>;
  getDelivery(deliveryId: string): Promise<Delivery | null>;
  /** Pending and failed deliveries, oldest position first (the order each subject's deliveries go in). */
  activeDeliveries(limit: number): Promise<Delivery[]>;
  /** A subscription's deliveries, newest first, optionally in one state; cursor paging. */
  listDeliveries(subscriptionId: string, options: { state?: DeliveryState; cursor?: string; limit: number }): Promise<DeliveryPage>;
  countDeliveries(subscriptionId: string, states: readonly DeliveryState[]): Promise<number>;
  /** The oldest active delivery of a subscription (its lag), or null. */
  oldestActive(subscriptionId: string): Promise<Delivery | null>;

  saveSubscription(subscription: KnownSubscription): Promise<void>;
  subscriptions(): Promise<KnownSubscription[]>;

  saveReplay(replay: ReplayRequest): Promise<boolean>;
  openReplays(): Promise<ReplayRequest[]>;
}

export const DELIVERY_STORE = Symbol('DeliveryStore');
