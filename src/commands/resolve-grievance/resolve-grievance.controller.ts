import { Body, Controller, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiCommand } from '../../http/openapi/api-responses.js';
import { CLOCK, type Clock } from '../../platform/clock.js';
import { callerInstant } from '../request-context/caller-instant.js';
import { SubjectCommandDispatcher } from '../shared/subject-command.dispatcher.js';
import { GrievanceParams, ResolveGrievanceDto } from './resolve-grievance.dto.js';

@ApiTags('commands')
@Controller('v1/tenants/:tenantId/subjects/:subjectId/grievances/:grievanceId/resolution')
export class ResolveGrievanceController {
  constructor(
    private readonly dispatcher: SubjectCommandDispatcher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @ApiOperation({ operationId: 'resolveGrievance', summary: 'Resolve a grievance', description: 'Writes `grievance-resolved`. 404 for a grievance this subject never lodged, 409 `grievance-already-resolved`.' })
  @ApiCommand({ problems: [404], problemDescriptions: { 404: 'This subject has no such grievance.' } })
  resolve(
    @Param() params: GrievanceParams,
    @Body() body: ResolveGrievanceDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const occurredAt = callerInstant('resolvedAt', body.resolvedAt, this.clock.now());
    const command = { type: 'resolve-grievance', grievanceId: params.grievanceId, outcome: body.outcome } as const;
    return this.dispatcher.dispatch(params, request, reply, command, occurredAt);
  }
}
