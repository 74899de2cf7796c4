import { Body, Controller, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiCommand } from '../../http/openapi/api-responses.js';
import { LedgerMetrics } from '../../observability/metrics/ledger-metrics.js';
import { CLOCK, type Clock } from '../../platform/clock.js';
import { callerInstant } from '../request-context/caller-instant.js';
import { CommandRequestFactory } from '../request-context/command-request.factory.js';
import type { SubjectCommandBody } from '../write-path/command-outcome.js';
import { ResolveGrievanceCommand } from './resolve-grievance.command.js';
import { GrievanceParams, ResolveGrievanceDto } from './resolve-grievance.dto.js';

@ApiTags('commands')
@Controller('v1/tenants/:tenantId/subjects/:subjectId/grievances/:grievanceId/resolution')
export class ResolveGrievanceController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly requests: CommandRequestFactory,
    private readonly metrics: LedgerMetrics,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @ApiOperation({ operationId: 'resolveGrievance', summary: 'Resolve a grievance', description: 'Writes `grievance-resolved`. 404 for a grievance this subject never lodged, 409 `grievance-already-resolved`.' })
  @ApiCommand({ problems: [404], problemDescriptions: { 404: 'This subject has no such grievance.' } })
  async resolve(
    @Param() params: GrievanceParams,
    @Body() body: ResolveGrievanceDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SubjectCommandBody> {
    const occurredAt = callerInstant('resolvedAt', body.resolvedAt, this.clock.now());
    const resolveGrievance = { type: 'resolve-grievance', grievanceId: params.grievanceId, outcome: body.outcome } as const;
    const command = new ResolveGrievanceCommand(this.requests.build(params, request, resolveGrievance, occurredAt));
    const outcome = await this.metrics.observeCommand(resolveGrievance.type, () => this.commandBus.execute(command));
    void reply.status(outcome.status);
    return outcome.body;
  }
}
