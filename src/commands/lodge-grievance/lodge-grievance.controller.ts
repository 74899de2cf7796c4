import { Body, Controller, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiCommand } from '../../http/openapi/api-responses.js';
import { SubjectParams } from '../../http/subject-params.dto.js';
import { CLOCK, type Clock } from '../../platform/clock.js';
import { callerInstant } from '../request-context/caller-instant.js';
import { SubjectCommandDispatcher } from '../shared/subject-command.dispatcher.js';
import { LodgeGrievanceDto } from './lodge-grievance.dto.js';

@ApiTags('commands')
@Controller('v1/tenants/:tenantId/subjects/:subjectId/grievances')
export class LodgeGrievanceController {
  constructor(
    private readonly dispatcher: SubjectCommandDispatcher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @ApiOperation({ operationId: 'lodgeGrievance', summary: 'Lodge a grievance', description: 'Writes `grievance-lodged`; the answer carries the `grievanceId` to resolve it by. It must be redressed within one month of receipt.' })
  @ApiCommand()
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
