import { Inject, Injectable, Logger, Optional, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { LEDGER_CONFIG, type LedgerConfig } from '../../config/ledger-config.js';
import { signingSecrets } from '../../domain/webhooks/subscription.state.js';
import { isWebhookEventType } from '../../domain/webhooks/webhook-event-types.js';
import { EVENT_STORE, type EventStore, type StoredEvent } from '../../event-store/event-store.port.js';
import { CLOCK, type Clock } from '../../platform/clock.js';
import { MASTER_KEY, type MasterKey } from '../../privacy/master-key.js';
import { WebhookSecretCipher } from '../../privacy/webhook-secrets.js';
import { LeaseLostError, READ_STORE, type Lease, type ReadStore } from '../../read-store/read-store.port.js';
import { WebhookMetrics } from '../webhook-metrics.js';
import { CONFIRMATION_TOKEN_ISSUER, type ConfirmationTokenIssuer } from '../confirmation-tokens/confirmation-token.port.js';
import { DELIVERY_HOOKS, type DeliveryHooks } from './delivery-hooks.js';
import { DELIVERY_STORE, type Delivery, type DeliveryStore, type KnownSubscription } from './delivery-store.port.js';
import { applySubscriptionEvent, laneOf, newDelivery, wants } from './known-subscriptions.js';
import { nextAttemptAt, retryAfterMs } from './retry-schedule.js';
import { webhookPayload } from './webhook-payload.js';
import { sendWebhook, type SendResult } from './webhook-sender.js';
import { signWebhook } from './webhook-signature.js';
import { wakeableSleep } from '../../platform/wakeable-sleep.js';

/** The worker's lease, and the name of its checkpoint (fenced by the lease like a projection's). */
export const DELIVERY_LEASE = 'webhook-deliveries';

const FAN_OUT_BATCH = 500;
const ACTIVE_WINDOW = 2000;
const MAX_BACKOFF_MS = 10_000;
/** How often a checkpoint that moved past events nobody subscribed to is saved. */
const CHECKPOINT_EVERY_MS = 5_000;

export interface DeliveryWorkerOptions {
  readonly owner?: string;
  readonly leaseTtlMs?: number;
  /** Attempts in flight at once (each to another subject or subscription). */
  readonly concurrency?: number;
}

export const DELIVERY_WORKER_OPTIONS = Symbol('DeliveryWorkerOptions');

/**
 * Delivers events to webhook subscriptions, at least once, in log order per subscription and
 * subject, in parallel across subjects. It follows the global log from its own checkpoint
 * under a lease (one active worker among instances, like each projection), and does three
 * things per turn:
 * 1. fan-out: reads the next events, learns the subscription events among them, and stores
 *    one pending delivery per event and subscription that wants it, then moves its checkpoint
 *    (fenced): a crash in between fans the batch out again, onto the same delivery ids;
 * 2. replays asked for through the API, the same way from their own positions;
 * 3. dispatch: the first active delivery of each lane (subscription, tenant, subject) whose
 *    time has come is sent; its outcome is stored before the lane moves on.
 * Times of deliveries come from the injected clock (tests move it); the lease and the
 * `webhook-timestamp` header use the wall clock, as receivers check it against theirs.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private readonly owner: string;
  private readonly leaseTtlMs: number;
  private readonly concurrency: number;
  private readonly secrets: WebhookSecretCipher;
  private known = new Map<string, KnownSubscription>();
  private lease: Lease | null = null;
  private renewedAt = 0;
  private checkpoint = 0;
  private checkpointSavedAt = 0;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private readonly inFlight = new Set<string>();
  private readonly attempts = new Set<Promise<void>>();
  private readonly wakers = new Set<() => void>();

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(DELIVERY_STORE) private readonly deliveries: DeliveryStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(MASTER_KEY) masterKey: MasterKey,
    private readonly metrics: WebhookMetrics,
    @Inject(CONFIRMATION_TOKEN_ISSUER) private readonly issuer: ConfirmationTokenIssuer,
    @Inject(DELIVERY_HOOKS) private readonly hooks: DeliveryHooks,
    @Optional() @Inject(DELIVERY_WORKER_OPTIONS) options: DeliveryWorkerOptions = {},
  ) {
    this.owner = options.owner ?? `${hostname()}/${process.pid}/${randomUUID()}`;
    this.leaseTtlMs = options.leaseTtlMs ?? config.projectionLeaseTtlMs;
    this.concurrency = options.concurrency ?? 32;
    this.secrets = new WebhookSecretCipher(masterKey);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.deliveries.prepare();
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const wake of [...this.wakers]) wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (!this.stopping) {
      try {
        if (!(await this.holdLease())) {
          await this.sleep(Math.max(1, Math.floor(this.leaseTtlMs * 0.2)));
          continue;
        }
        const full = await this.fanOut();
        // Without a subscription there is nothing to replay or send (the usual case: no cost).
        if (this.known.size > 0) {
          await this.replay();
          await this.dispatch();
        }
        backoff = 100;
        if (!full) await this.sleep(this.config.webhookPollMs);
      } catch (error) {
        if (this.stopping) break;
        if (error instanceof LeaseLostError) {
          this.logger.warn(`lease lost (token ${error.token}); standing by`);
          this.lease = null;
          continue;
        }
        this.logger.warn(`delivery worker: ${error instanceof Error ? error.message : String(error)}; retrying in ${backoff} ms`);
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
    await Promise.allSettled([...this.attempts]);
    if (this.lease !== null) {
      this.lease = null;
      await this.readStore.releaseLease(DELIVERY_LEASE, this.owner).catch(() => undefined);
    }
  }

  private async holdLease(): Promise<boolean> {
    const now = Date.now();
    if (this.lease !== null && now - this.renewedAt < this.leaseTtlMs * 0.3) return true;
    const lease = await this.readStore.acquireLease(DELIVERY_LEASE, this.owner, this.leaseTtlMs, now);
    if (lease === null) {
      this.lease = null;
      return false;
    }
    if (this.lease === null || this.lease.token !== lease.token) {
      // Newly ours: another instance may have moved on meanwhile.
      this.checkpoint = await this.readStore.getCheckpoint(DELIVERY_LEASE);
      this.known = new Map((await this.deliveries.subscriptions()).map((s) => [s.subscriptionId, s]));
      this.logger.log(`delivering from position ${this.checkpoint} (lease token ${lease.token})`);
    }
    this.lease = lease;
    this.renewedAt = now;
    return true;
  }

  /** True when the batch was full (more is waiting: no pause before the next turn). */
  private async fanOut(): Promise<boolean> {
    const batch: StoredEvent[] = [];
    for await (const event of this.events.readAll({ fromPosition: this.checkpoint + 1, limit: FAN_OUT_BATCH })) batch.push(event);
    const last = batch.at(-1);
    if (last === undefined) return false;
    const now = this.clock.now();
    const changed = new Map<string, KnownSubscription>();
    const created: Delivery[] = [];
    for (const event of batch) {
      const subscription = applySubscriptionEvent(this.known, event);
      if (subscription !== undefined) {
        this.known.set(subscription.subscriptionId, subscription);
        changed.set(subscription.subscriptionId, subscription);
        continue;
      }
      if (!isWebhookEventType(event.type)) continue;
      for (const candidate of this.known.values()) {
        if (wants(candidate, event)) created.push(newDelivery(candidate, event, now));
      }
    }
    for (const subscription of changed.values()) await this.deliveries.saveSubscription(subscription);
    await this.deliveries.addDeliveries(created);
    this.checkpoint = last.globalPosition;
    // A batch that changed nothing stored need not be saved at once (reading it again after a
    // crash is harmless): on the embedded store, this keeps the worker's writes to the read
    // models' file, which the projector thread also writes, to what deliveries need.
    const lease = this.lease;
    if (lease !== null && (created.length > 0 || changed.size > 0 || Date.now() - this.checkpointSavedAt >= CHECKPOINT_EVERY_MS)) {
      await this.readStore.saveCheckpoint(DELIVERY_LEASE, last.globalPosition, lease.token);
      this.checkpointSavedAt = Date.now();
    }
    return batch.length >= FAN_OUT_BATCH;
  }

  private async replay(): Promise<void> {
    for (const request of await this.deliveries.openReplays()) {
      const subscription = this.known.get(request.subscriptionId);
      if (subscription === undefined || subscription.deleted) {
        // Unknown yet (its creation not fanned out so far): wait; deleted, or never made: done.
        if (subscription === undefined && request.toPosition > this.checkpoint) continue;
        await this.deliveries.saveReplay({ ...request, done: true, version: request.version + 1 });
        continue;
      }
      // Only what the worker has read itself: the rest waits for the next turns.
      const until = Math.min(request.toPosition, this.checkpoint);
      if (request.nextPosition > until) continue;
      const batch: StoredEvent[] = [];
      for await (const event of this.events.readAll({
        fromPosition: request.nextPosition,
        limit: FAN_OUT_BATCH,
        tenantId: request.tenantId,
      })) {
        if (event.globalPosition > until) break;
        batch.push(event);
      }
      const now = this.clock.now();
      // A replay may reach back before the subscription was made.
      const everything = { ...subscription, since: 0 };
      const replayed = batch.filter((event) => wants(everything, event));
      await this.deliveries.addDeliveries(replayed.map((event) => newDelivery(subscription, event, now, request.replayId)));
      const last = batch.at(-1);
      const next = batch.length === FAN_OUT_BATCH && last !== undefined ? last.globalPosition + 1 : until + 1;
      await this.deliveries.saveReplay({ ...request, nextPosition: next, done: next > request.toPosition, version: request.version + 1 });
    }
  }

  private async dispatch(): Promise<void> {
    if (this.inFlight.size >= this.concurrency) return;
    const now = this.clock.now();
    const lanes = new Set<string>();
    for (const delivery of await this.deliveries.activeDeliveries(ACTIVE_WINDOW)) {
      const lane = laneOf(delivery);
      if (lanes.has(lane)) continue;
      lanes.add(lane);
      if (this.inFlight.has(lane)) continue;
      const subscription = this.known.get(delivery.subscriptionId);
      if (subscription === undefined || subscription.paused) continue;
      if (subscription.deleted) {
        await this.deliveries.saveDelivery({
          ...delivery,
          state: 'dead',
          lastError: 'the subscription was deleted',
          version: delivery.version + 1,
        });
        continue;
      }
      if (Date.parse(delivery.nextAttemptAt) > now.getTime()) continue;
      if (this.inFlight.size >= this.concurrency) break;
      this.inFlight.add(lane);
      const attempt = this.attempt(delivery, subscription)
        .catch((error: unknown) => {
          this.logger.warn(`delivery ${delivery.deliveryId}: ${error instanceof Error ? error.message : String(error)}`);
        })
        .finally(() => {
          this.inFlight.delete(lane);
          this.attempts.delete(attempt);
        });
      this.attempts.add(attempt);
    }
  }

  private async attempt(delivery: Delivery, subscription: KnownSubscription): Promise<void> {
    const startedAt = this.clock.now();
    let result: SendResult;
    let event: StoredEvent | undefined;
    try {
      event = await this.eventAt(delivery.globalPosition, delivery.eventId);
      const secrets = signingSecrets(subscription, startedAt).map((s) =>
        this.secrets.open(s.sealedSecret, subscription.tenantId, subscription.subscriptionId, s.secretId),
      );
      const body = await webhookPayload(event, subscription, this.issuer);
      const headers = signWebhook(delivery.deliveryId, Math.floor(Date.now() / 1000), body, secrets);
      result = await sendWebhook(subscription.url, body, headers, this.config.webhookAllowPrivate);
    } catch (error) {
      // Nothing was sent (the event, a secret or a token could not be had): an attempt that
      // failed like any other, so it is retried and, if it keeps failing, dead-lettered.
      result = { status: null, retryAfter: undefined, error: `not sent: ${error instanceof Error ? error.message : String(error)}` };
    }
    let error = result.error;
    if (error === null && event !== undefined) {
      try {
        await this.hooks.onDelivered(delivery, event, subscription);
      } catch (hookError) {
        // Delivered, but what the delivery must record was not: send again (at least once, both).
        error = `delivered, but recording it failed: ${hookError instanceof Error ? hookError.message : String(hookError)}`;
      }
    }
    const now = this.clock.now();
    const windowStartedAt = delivery.windowStartedAt ?? startedAt.toISOString();
    const attempts = delivery.attempts + 1;
    const common = {
      ...delivery,
      attempts,
      windowStartedAt,
      lastAttemptAt: startedAt.toISOString(),
      lastStatus: result.status,
      lastError: error,
      version: delivery.version + 1,
    };
    let next: Delivery;
    if (error === null) {
      next = { ...common, state: 'delivered', deliveredAt: now.toISOString() };
    } else {
      const retryAt = nextAttemptAt({
        attempts,
        now,
        windowStartedAt: new Date(windowStartedAt),
        windowMs: this.config.webhookRetryWindowMs,
        retryAfterMs: retryAfterMs(result.retryAfter, now),
      });
      next = retryAt === null ? { ...common, state: 'dead' } : { ...common, state: 'failed', nextAttemptAt: retryAt.toISOString() };
    }
    await this.deliveries.saveDelivery(next);
    this.metrics.attempted(next.state === 'pending' ? 'failed' : next.state);
  }

  private async eventAt(position: number, eventId: string): Promise<StoredEvent> {
    for await (const event of this.events.readAll({ fromPosition: position, limit: 1 })) {
      if (event.id === eventId) return event;
      break;
    }
    throw new Error(`event ${eventId} is not at global position ${position}`);
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return wakeableSleep(ms, this.wakers);
  }
}
