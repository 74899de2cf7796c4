import { Body, Controller, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiCommand } from '../../http/openapi/api-responses.js';
import { SubjectParams } from '../../http/subject-params.dto.js';
import { LedgerMetrics } from '../../observability/metrics/ledger-metrics.js';
import { CLOCK, type Clock } from '../../platform/clock.js';
import { callerInstant } from '../request-context/caller-instant.js';
import { CommandRequestFactory } from '../request-context/command-request.factory.js';
import type { SubjectCommandBody } from '../write-path/command-outcome.js';
import { LodgeGrievanceCommand } from './lodge-grievance.command.js';
import { LodgeGrievanceDto } from './lodge-grievance.dto.js';

@ApiTags('commands')
@Controller('v1/tenants/:tenantId/subjects/:subjectId/grievances')
export class LodgeGrievanceController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly requests: CommandRequestFactory,
    private readonly metrics: LedgerMetrics,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @ApiOperation({ operationId: 'lodgeGrievance', summary: 'Lodge a grievance', description: 'Writes `grievance-lodged`; the answer carries the `grievanceId` to resolve it by. It must be redressed within one month of receipt.' })
  @ApiCommand()
  async lodge(
    @Param() params: SubjectParams,
    @Body() body: LodgeGrievanceDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SubjectCommandBody> {
    const { receivedAt, ...grievance } = body;
    const occurredAt = callerInstant('receivedAt', receivedAt, this.clock.now());
    const lodgeGrievance = { type: 'lodge-grievance' as const, ...grievance };
    const command = new LodgeGrievanceCommand(this.requests.build(params, request, lodgeGrievance, occurredAt));
    const outcome = await this.metrics.observeCommand(lodgeGrievance.type, () => this.commandBus.execute(command));
    void reply.status(outcome.status);
    return outcome.body;
  }
}
