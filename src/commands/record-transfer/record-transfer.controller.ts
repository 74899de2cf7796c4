import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiCommand } from '../../http/openapi/api-responses.js';
import { SubjectParams } from '../../http/subject-params.dto.js';
import { LedgerMetrics } from '../../observability/metrics/ledger-metrics.js';
import { CommandRequestFactory } from '../request-context/command-request.factory.js';
import type { SubjectCommandBody } from '../write-path/command-outcome.js';
import { RecordTransferCommand } from './record-transfer.command.js';
import { RecordTransferDto } from './record-transfer.dto.js';

@ApiTags('commands')
@Controller('v1/tenants/:tenantId/subjects/:subjectId/transfers')
export class RecordTransferController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly requests: CommandRequestFactory,
    private readonly metrics: LedgerMetrics,
  ) {}

  @Post()
  @ApiOperation({ operationId: 'recordTransfer', summary: 'Record a transfer of personal data', description: 'Writes `data-transferred`. A transfer on the legal basis `consent` is refused (409 `consent-not-active`) unless its purpose is granted at that moment; none is accepted after the subject was erased (409 `subject-erased`).' })
  @ApiCommand()
  async record(
    @Param() params: SubjectParams,
    @Body() body: RecordTransferDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SubjectCommandBody> {
    const { occurredAt, recipient, ...transfer } = body;
    const recordTransfer = { type: 'record-transfer' as const, ...transfer, recipient: { ...recipient } };
    const command = new RecordTransferCommand(this.requests.build(params, request, recordTransfer, occurredAt));
    const outcome = await this.metrics.observeCommand(recordTransfer.type, () => this.commandBus.execute(command));
    void reply.status(outcome.status);
    return outcome.body;
  }
}
