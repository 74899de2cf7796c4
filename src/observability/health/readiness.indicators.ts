import { Inject, Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { ProjectionProgress, type ProjectionState } from '../../projections/projection-progress.js';
import { READ_STORE, type ReadStore } from '../../read-store/read-store.port.js';

/** A probe that gets no answer from a store within this time counts it as down. */
export const PROBE_TIMEOUT_MS = 2000;

/** Following the log here, or standing by while another instance does: both serve reads. */
const READY_STATES: readonly ProjectionState[] = ['running', 'standby'];

/**
 * What readiness checks: both stores answer a cheap query, and every projection follows the
 * log. The probe is public, so a failure says which check failed but not why (no host names,
 * no error text): the cause is logged, and GET /health details the projections.
 */
@Injectable()
export class ReadinessIndicators {
  private readonly logger = new Logger('Readiness');

  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly eventLog: EventStore,
    @Inject(READ_STORE) private readonly readModels: ReadStore,
    private readonly runner: ProjectionProgress,
  ) {}

  eventStore(): PromiseLike<HealthIndicatorResult<'eventStore'>> {
    return this.indicators
      .check('eventStore')
      .attempt(async () => ({ lastPosition: await this.answer('event store', this.eventLog.lastPosition()) }))
      .withTimeout(PROBE_TIMEOUT_MS);
  }

  /** One checkpoint read: a single small document in either adapter. */
  readStore(): PromiseLike<HealthIndicatorResult<'readStore'>> {
    const probe = this.runner.health()[0]?.name ?? 'subject-status';
    return this.indicators
      .check('readStore')
      .attempt(async () => {
        await this.answer('read store', this.readModels.getCheckpoint(probe));
      })
      .withTimeout(PROBE_TIMEOUT_MS);
  }

  /** Down while a projection is starting, has failed on an event, or has stopped (shutdown). */
  projections(): HealthIndicatorResult<'projections'> {
    const session = this.indicators.check('projections');
    const projections = this.runner.health();
    const notReady = projections.filter((p) => !READY_STATES.includes(p.state)).map((p) => ({ name: p.name, state: p.state }));
    return notReady.length === 0 ? session.up({ count: projections.length }) : session.down({ notReady });
  }

  private async answer<T>(store: string, query: Promise<T>): Promise<T> {
    try {
      return await query;
    } catch (error) {
      this.logger.warn(`readiness: the ${store} did not answer: ${error instanceof Error ? error.message : String(error)}`);
      throw new Error(`the ${store} did not answer`, { cause: error });
    }
  }
}
