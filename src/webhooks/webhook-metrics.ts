import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { LedgerMetrics } from '../observability/metrics/ledger-metrics.js';
import { CLOCK, type Clock } from '../platform/clock.js';
import { DELIVERY_STORE, type DeliveryStore } from './delivery/delivery-store.port.js';

/** A scrape waits this long for the store; past it the webhook gauges are left out of that scrape. */
const SCRAPE_TIMEOUT_MS = 2000;

/**
 * The webhook metrics (docs/operations.md): attempts by outcome, counted by the instance that
 * made them, and per subscription the backlog, the lag (age of its oldest undelivered
 * delivery, by the ledger's clock) and the dead letters, read from the delivery store when
 * Prometheus scrapes (any instance shows them).
 */
@Injectable()
export class WebhookMetrics {
  private readonly outcomes: Counter<'outcome'>;

  constructor(
    metrics: LedgerMetrics,
    @Inject(DELIVERY_STORE) private readonly deliveries: DeliveryStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    const registers = [metrics.registry];
    this.outcomes = new Counter({
      name: 'ledger_webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome: delivered (2xx), failed (a retry is scheduled), dead (the retry window ran out).',
      labelNames: ['outcome'] as const,
      registers,
    });
    // prom-client calls collect() with the gauge as `this`.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    new Gauge({
      name: 'ledger_webhook_backlog',
      help: 'Deliveries not yet delivered nor dead (pending or failed), per subscription.',
      labelNames: ['subscription'] as const,
      registers,
      async collect() {
        await self.perSubscription(this, (id) => self.deliveries.countDeliveries(id, ['pending', 'failed']));
      },
    });
    new Gauge({
      name: 'ledger_webhook_lag_seconds',
      help: 'Age of the oldest delivery not yet delivered nor dead, per subscription (0 when none waits).',
      labelNames: ['subscription'] as const,
      registers,
      async collect() {
        await self.perSubscription(this, async (id) => {
          const oldest = await self.deliveries.oldestActive(id);
          return oldest === null ? 0 : Math.max(0, (self.clock.now().getTime() - Date.parse(oldest.createdAt)) / 1000);
        });
      },
    });
    new Gauge({
      name: 'ledger_webhook_dead_letters',
      help: 'Dead-lettered deliveries (the retry window ran out), per subscription; a redelivery takes one out.',
      labelNames: ['subscription'] as const,
      registers,
      async collect() {
        await self.perSubscription(this, (id) => self.deliveries.countDeliveries(id, ['dead']));
      },
    });
  }

  attempted(outcome: 'delivered' | 'failed' | 'dead'): void {
    this.outcomes.inc({ outcome });
  }

  private async perSubscription(gauge: Gauge<'subscription'>, value: (subscriptionId: string) => Promise<number>): Promise<void> {
    gauge.reset();
    let timer: NodeJS.Timeout | undefined;
    const work = (async () => {
      for (const subscription of await this.deliveries.subscriptions()) {
        if (!subscription.deleted) gauge.set({ subscription: subscription.subscriptionId }, await value(subscription.subscriptionId));
      }
    })();
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SCRAPE_TIMEOUT_MS);
    });
    try {
      await Promise.race([work.catch(() => gauge.reset()), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
