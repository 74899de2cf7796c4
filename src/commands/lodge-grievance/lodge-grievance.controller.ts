import { Body, Controller, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SubjectParams } from '../../http/subject-params.dto.js';
import { CLOCK, type Clock } from '../../platform/clock.js';
import { callerInstant } from '../shared/caller-instant.js';
import { SubjectCommandDispatcher } from '../shared/subject-command.dispatcher.js';
import { LodgeGrievanceDto } from './lodge-grievance.dto.js';

@Controller('v1/tenants/:tenantId/subjects/:subjectId/grievances')
export class LodgeGrievanceController {
  constructor(
    private readonly dispatcher: SubjectCommandDispatcher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  lodge(
    @Param() params: SubjectParams,
    @Body() body: LodgeGrievanceDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { receivedAt, ...grievance } = body;
    const occurredAt = callerInstant('receivedAt', receivedAt, this.clock.now());
    return this.dispatcher.dispatch(params, request, reply, { type: 'lodge-grievance', ...grievance }, occurredAt);
  }
}
