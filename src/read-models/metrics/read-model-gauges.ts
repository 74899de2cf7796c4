import { Inject, Injectable, Logger } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { LEDGER_CONFIG, type LedgerConfig } from '../../config/ledger-config.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { CLOCK, type Clock } from '../../platform/clock.js';
import { erasureStateWhere } from '../erasure-monitor/erasure-filters.js';
import { erasureMonitorProjection } from '../erasure-monitor/erasure-monitor.projection.js';
import { grievanceStateWhere } from '../grievance-monitor/grievance-filters.js';
import { grievanceMonitorProjection } from '../grievance-monitor/grievance-monitor.projection.js';
import { ProjectionProgress, type ProjectionState } from '../../projections/projection-progress.js';
import { READ_STORE, type ReadStore } from '../../read-store/read-store.port.js';
import { LedgerMetrics } from '../../observability/metrics/ledger-metrics.js';

/** A scrape waits this long for a store; past it the gauge is left out of that scrape. */
export const SCRAPE_QUERY_TIMEOUT_MS = 2000;

const PROJECTION_STATES: readonly ProjectionState[] = ['starting', 'running', 'standby', 'failed', 'stopped'];
const DEADLINE_STATES = ['open', 'overdue'] as const;

/**
 * Gauges computed when Prometheus scrapes, never cached: the event store's head, each
 * projection's position, lag and state, and the open and overdue erasures and grievances.
 * The counts use the same state filters as GET /v1/deletions/summary and
 * /v1/grievances/summary (so `overdue` is judged by the clock at scrape time), but only
 * their indexed counts, not the percentiles. A store that fails or is slow leaves its gauges
 * out of that scrape (an alert on `absent()` sees it; a gauge without labels reads NaN)
 * rather than failing the whole scrape.
 */
@Injectable()
export class ReadModelGauges {
  private readonly logger = new Logger('Metrics');

  constructor(
    metrics: LedgerMetrics,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly runner: ProjectionProgress,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {
    const registers = [metrics.registry];
    // prom-client calls collect() with the gauge as `this`, so the instance needs another name.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const gauges = this;

    new Gauge({
      name: 'ledger_event_store_last_position',
      help: 'Global position of the last event in the event store.',
      registers,
      async collect() {
        await gauges.refresh(this, async () => this.set(await gauges.head()));
      },
    });
    new Gauge({
      name: 'ledger_projection_position',
      help: 'Global position of the last event each projection has applied (the stored checkpoint on a standby instance).',
      labelNames: ['projection'] as const,
      registers,
      collect() {
        for (const p of gauges.runner.health()) this.set({ projection: p.name }, p.position);
      },
    });
    new Gauge({
      name: 'ledger_projection_lag',
      help: "How far each projection is behind the event store's last position, in global positions (events on the embedded store).",
      labelNames: ['projection'] as const,
      registers,
      async collect() {
        await gauges.refresh(this, async () => {
          const head = await gauges.head();
          for (const p of gauges.runner.health()) this.set({ projection: p.name }, Math.max(0, head - p.position));
        });
      },
    });
    new Gauge({
      name: 'ledger_projection_state',
      help: "Each projection's state on this instance: 1 for the state it is in, 0 for the others.",
      labelNames: ['projection', 'state'] as const,
      registers,
      collect() {
        for (const p of gauges.runner.health()) {
          for (const state of PROJECTION_STATES) this.set({ projection: p.name, state }, p.state === state ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'ledger_erasures',
      help: 'Erasures not yet completed: open (before their deadline) and overdue (past it), judged at scrape time.',
      labelNames: ['state'] as const,
      registers,
      async collect() {
        await gauges.refresh(this, async () => {
          const now = gauges.clock.now();
          for (const state of DEADLINE_STATES)
            this.set({ state }, await gauges.count(erasureMonitorProjection.collection.name, erasureStateWhere(state, now)));
        });
      },
    });
    new Gauge({
      name: 'ledger_erasures_pending',
      help: 'Erasures not yet completed that still wait for this system to confirm (each configured system).',
      labelNames: ['system'] as const,
      registers,
      async collect() {
        await gauges.refresh(this, async () => {
          for (const system of gauges.config.erasureSystems) {
            // The stored state stays `open` past the deadline: open and overdue alike.
            this.set(
              { system },
              await gauges.count(erasureMonitorProjection.collection.name, { state: 'open', pendingSystems: { contains: system } }),
            );
          }
        });
      },
    });
    new Gauge({
      name: 'ledger_grievances',
      help: 'Grievances not yet resolved: open (before their deadline) and overdue (past it), judged at scrape time.',
      labelNames: ['state'] as const,
      registers,
      async collect() {
        await gauges.refresh(this, async () => {
          const now = gauges.clock.now();
          for (const state of DEADLINE_STATES)
            this.set({ state }, await gauges.count(grievanceMonitorProjection.collection.name, grievanceStateWhere(state, now)));
        });
      },
    });
  }

  private head(): Promise<number> {
    return within(SCRAPE_QUERY_TIMEOUT_MS, this.events.lastPosition());
  }

  private count(collection: string, where: Parameters<ReadStore['count']>[1]): Promise<number> {
    return within(SCRAPE_QUERY_TIMEOUT_MS, this.readStore.count(collection, where));
  }

  /**
   * Sets a gauge afresh; when a store fails, a gauge with labels is left out of this scrape
   * and one without (which prom-client always shows) reads NaN rather than a false 0.
   */
  private async refresh(gauge: Gauge<string>, set: () => Promise<void>): Promise<void> {
    gauge.reset();
    try {
      await set();
    } catch (error) {
      gauge.reset();
      if ((gauge as unknown as { labelNames: readonly string[] }).labelNames.length === 0) gauge.set(Number.NaN);
      this.logger.warn(
        `${(gauge as unknown as { name: string }).name} left out of this scrape: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

/** The promise's value, or a rejection once `ms` have passed (the promise itself goes on). */
export const within = <T>(ms: number, promise: Promise<T>): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
