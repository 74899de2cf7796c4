import { Body, Controller, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CLOCK, type Clock } from '../../platform/clock.js';
import { callerInstant } from '../shared/caller-instant.js';
import { SubjectCommandDispatcher } from '../shared/subject-command.dispatcher.js';
import { GrievanceParams, ResolveGrievanceDto } from './resolve-grievance.dto.js';

@Controller('v1/tenants/:tenantId/subjects/:subjectId/grievances/:grievanceId/resolution')
export class ResolveGrievanceController {
  constructor(
    private readonly dispatcher: SubjectCommandDispatcher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
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
