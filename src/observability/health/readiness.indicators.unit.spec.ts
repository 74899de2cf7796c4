import { describe, expect, it } from '@jest/globals';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { EventStore } from '../../event-store/event-store.port.js';
import type { ProjectionHealth, ProjectionProgress } from '../../projections/projection-progress.js';
import type { ReadStore } from '../../read-store/read-store.port.js';
import { PROBE_TIMEOUT_MS, ReadinessIndicators } from './readiness.indicators.js';

const projection = (name: string, state: ProjectionHealth['state']): ProjectionHealth => ({
  name,
  state,
  position: 3,
  error: state === 'failed' ? 'subject-status: cannot apply event e-1' : null,
  failedEventId: state === 'failed' ? 'e-1' : null,
});

const readiness = (options: {
  lastPosition?: () => Promise<number>;
  getCheckpoint?: () => Promise<number>;
  projections?: ProjectionHealth[];
}) => {
  const indicators = new ReadinessIndicators(
    new HealthIndicatorService(),
    { lastPosition: options.lastPosition ?? (async () => 3) } as unknown as EventStore,
    { getCheckpoint: options.getCheckpoint ?? (async () => 3) } as unknown as ReadStore,
    { health: () => options.projections ?? [projection('subject-status', 'running')] } as unknown as ProjectionProgress,
  );
  // Quiet: the causes are logged through Nest's logger.
  (indicators as unknown as { logger: { warn: () => void } }).logger = { warn: () => undefined };
  return indicators;
};

describe('the readiness checks', () => {
  it('are up with the head of the log when both stores answer and every projection runs or stands by', async () => {
    const indicators = readiness({ projections: [projection('subject-status', 'running'), projection('erasure-monitor', 'standby')] });
    expect(await indicators.eventStore()).toEqual({ eventStore: { status: 'up', lastPosition: 3, responseTime: expect.any(Number) } });
    expect(await indicators.readStore()).toEqual({ readStore: { status: 'up', responseTime: expect.any(Number) } });
    expect(indicators.projections()).toEqual({ projections: { status: 'up', count: 2 } });
  });

  it('say a store is down without its error, which may name hosts', async () => {
    const indicators = readiness({
      lastPosition: async () => {
        throw new Error('connect ECONNREFUSED 10.1.2.3:2113');
      },
    });
    const result = await indicators.eventStore();
    expect(result).toEqual({ eventStore: { status: 'down', message: 'the event store did not answer', responseTime: expect.any(Number) } });
  });

  it(`say a store is down when it does not answer within ${PROBE_TIMEOUT_MS} ms`, async () => {
    const indicators = readiness({ getCheckpoint: () => new Promise<number>(() => undefined) });
    const result = await indicators.readStore();
    expect(result.readStore).toMatchObject({ status: 'down', message: `timeout of ${PROBE_TIMEOUT_MS}ms exceeded` });
  });

  it.each(['starting', 'failed', 'stopped'] as const)('are down while a projection is %s, naming it but not its error', (state) => {
    const indicators = readiness({ projections: [projection('subject-status', state), projection('transfer-register', 'running')] });
    const result = indicators.projections();
    expect(result).toEqual({ projections: { status: 'down', notReady: [{ name: 'subject-status', state }] } });
  });
});
