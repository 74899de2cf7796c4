import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { ProjectionRunner } from '../runner/projection-runner.js';

/**
 * Liveness of the ledger and the lag of each read model. A projection that stopped on an
 * event makes the whole answer 503, naming the projection and the event.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly runner: ProjectionRunner,
  ) {}

  @Get()
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const head = await this.events.lastPosition();
    const projections = this.runner.health().map((p) => ({ ...p, lag: Math.max(0, head - p.position) }));
    const healthy = projections.every((p) => p.state !== 'failed');
    void reply.status(healthy ? 200 : 503);
    return { status: healthy ? 'ok' : 'degraded', eventStore: { lastPosition: head }, projections };
  }
}
