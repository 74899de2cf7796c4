import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiProduces, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { ApiProblems, problemContent, PROBLEM_JSON } from '../../http/openapi/api-responses.js';
import { ProjectionProgress } from '../../projections/projection-progress.js';
import { HealthDto } from './health.response.js';

/**
 * Liveness of the ledger and the lag of each read model. A projection that stopped on an
 * event makes the whole answer 503, naming the projection and the event.
 */
@ApiTags('ops')
@ApiExtraModels(HealthDto)
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly runner: ProjectionProgress,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'getHealth',
    summary: 'Liveness and read-model lag',
    description:
      'The event store’s last position and each projection’s state, position and lag. 503 (same body, `status: degraded`) when a projection stopped on an event.',
  })
  @ApiResponse({
    status: 200,
    description: 'Every projection is running or standing by.',
    content: { 'application/json': { schema: { $ref: getSchemaPath(HealthDto) } } },
  })
  @ApiProduces('application/json', PROBLEM_JSON)
  @ApiResponse({
    status: 503,
    description:
      'A projection has failed (the health body, naming it and the event), or the event store is unreachable (a problem, `store-unavailable`).',
    content: { 'application/json': { schema: { $ref: getSchemaPath(HealthDto) } }, ...problemContent },
  })
  @ApiProblems([], {}, [503])
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const head = await this.events.lastPosition();
    const projections = this.runner.health().map((p) => ({ ...p, lag: Math.max(0, head - p.position) }));
    const healthy = projections.every((p) => p.state !== 'failed');
    void reply.status(healthy ? 200 : 503);
    return { status: healthy ? 'ok' : 'degraded', eventStore: { lastPosition: head }, projections };
  }
}
