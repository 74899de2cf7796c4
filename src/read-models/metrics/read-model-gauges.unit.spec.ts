import { describe, expect, it } from '@jest/globals';
import { parseConfig } from '../../config/ledger-config.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import type { ProjectionHealth, ProjectionProgress } from '../../projections/projection-progress.js';
import type { ReadStore } from '../../read-store/read-store.port.js';
import { parseMetrics, samples, valueOf } from '../../../test/support/prometheus.js';
import { LedgerMetrics } from '../../observability/metrics/ledger-metrics.js';
import { ReadModelGauges, SCRAPE_QUERY_TIMEOUT_MS } from './read-model-gauges.js';

const projection = (name: string, state: ProjectionHealth['state'], position: number): ProjectionHealth => ({
  name,
  state,
  position,
  error: null,
  failedEventId: null,
});

const gaugesOver = (stores: { lastPosition: () => Promise<number>; count: ReadStore['count'] }, projections: ProjectionHealth[]) => {
  const metrics = new LedgerMetrics();
  const gauges = new ReadModelGauges(
    metrics,
    { lastPosition: stores.lastPosition } as unknown as EventStore,
    { count: stores.count } as unknown as ReadStore,
    { health: () => projections } as unknown as ProjectionProgress,
    { now: () => new Date('2026-03-01T00:00:00.000Z') },
    parseConfig({ LEDGER_ERASURE_SYSTEMS: 'crm,backups' }),
  );
  // Quiet: what is left out of a scrape is logged through Nest's logger.
  (gauges as unknown as { logger: { warn: () => void } }).logger = { warn: () => undefined };
  return async () => parseMetrics(await metrics.registry.metrics());
};

describe('the gauges computed at scrape time', () => {
  it('shows lag as the distance to the head, and one state per projection set to 1', async () => {
    const scrape = gaugesOver({ lastPosition: async () => 40, count: async () => 0 }, [
      projection('subject-status', 'running', 40),
      projection('transfer-register', 'failed', 12),
      projection('erasure-monitor', 'standby', 38),
    ]);
    const metrics = await scrape();
    expect(valueOf(metrics, 'ledger_event_store_last_position')).toBe(40);
    expect(valueOf(metrics, 'ledger_projection_lag', { projection: 'subject-status' })).toBe(0);
    expect(valueOf(metrics, 'ledger_projection_lag', { projection: 'transfer-register' })).toBe(28);
    expect(valueOf(metrics, 'ledger_projection_lag', { projection: 'erasure-monitor' })).toBe(2);
    expect(samples(metrics, 'ledger_projection_state', { projection: 'transfer-register' }).filter((s) => s.value === 1)).toEqual([
      { name: 'ledger_projection_state', labels: { projection: 'transfer-register', state: 'failed' }, value: 1 },
    ]);
  });

  it('leaves the read-model counts out of a scrape while the read store fails, and keeps the rest', async () => {
    let readStoreUp = false;
    const scrape = gaugesOver(
      {
        lastPosition: async () => 7,
        count: async (_collection, where) => {
          if (!readStoreUp) throw new Error('the MongoDB read store is unavailable');
          return where?.['state'] === 'open' ? 3 : 0;
        },
      },
      [projection('subject-status', 'running', 7)],
    );

    const during = await scrape();
    for (const name of ['ledger_erasures', 'ledger_erasures_pending', 'ledger_grievances'])
      expect({ name, samples: samples(during, name) }).toEqual({ name, samples: [] });
    expect(valueOf(during, 'ledger_projection_lag', { projection: 'subject-status' })).toBe(0);
    expect(samples(during, 'process_cpu_user_seconds_total')).toHaveLength(1);

    readStoreUp = true;
    const after = await scrape();
    expect(valueOf(after, 'ledger_erasures_pending', { system: 'crm' })).toBe(3);
    expect(valueOf(after, 'ledger_erasures_pending', { system: 'backups' })).toBe(3);
  });

  it(`gives up on a store that does not answer within ${SCRAPE_QUERY_TIMEOUT_MS} ms`, async () => {
    const scrape = gaugesOver({ lastPosition: () => new Promise<number>(() => undefined), count: async () => 1 }, [
      projection('subject-status', 'running', 7),
    ]);
    const started = Date.now();
    const metrics = await scrape();
    expect(Date.now() - started).toBeLessThan(SCRAPE_QUERY_TIMEOUT_MS + 1000);
    expect(valueOf(metrics, 'ledger_event_store_last_position')).toBeNaN();
    expect(samples(metrics, 'ledger_projection_lag')).toEqual([]);
    expect(valueOf(metrics, 'ledger_projection_position', { projection: 'subject-status' })).toBe(7);
    expect(valueOf(metrics, 'ledger_erasures', { state: 'overdue' })).toBe(1);
  });
});
