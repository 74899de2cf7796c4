import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiCommand } from '../../http/openapi/api-responses.js';
import { SubjectParams } from '../../http/subject-params.dto.js';
import { LedgerMetrics } from '../../observability/metrics/ledger-metrics.js';
import { CommandRequestFactory } from '../request-context/command-request.factory.js';
import type { SubjectCommandBody } from '../write-path/command-outcome.js';
import { RequestErasureCommand } from './request-erasure.command.js';
import { RequestErasureDto } from './request-erasure.dto.js';

@ApiTags('commands')
@Controller('v1/tenants/:tenantId/subjects/:subjectId/deletion-requests')
export class RequestErasureController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly requests: CommandRequestFactory,
    private readonly metrics: LedgerMetrics,
  ) {}

  @Post()
  @ApiOperation({ operationId: 'requestErasure', summary: 'Request erasure', description: 'Writes `deletion-requested` with its deadline and the systems that must each confirm. 409 `erasure-already-open`.' })
  @ApiCommand()
  async request(
    @Param() params: SubjectParams,
    @Body() body: RequestErasureDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SubjectCommandBody> {
    const { occurredAt, ...erasure } = body;
    const requestErasure = { type: 'request-erasure' as const, ...erasure };
    const command = new RequestErasureCommand(this.requests.build(params, request, requestErasure, occurredAt));
    const outcome = await this.metrics.observeCommand(requestErasure.type, () => this.commandBus.execute(command));
    void reply.status(outcome.status);
    return outcome.body;
  }
}
