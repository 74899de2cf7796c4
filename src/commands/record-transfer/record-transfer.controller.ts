import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiCommand } from '../../http/openapi/api-responses.js';
import { SubjectParams } from '../../http/subject-params.dto.js';
import { SubjectCommandDispatcher } from '../shared/subject-command.dispatcher.js';
import { RecordTransferDto } from './record-transfer.dto.js';

@ApiTags('commands')
@Controller('v1/tenants/:tenantId/subjects/:subjectId/transfers')
export class RecordTransferController {
  constructor(private readonly dispatcher: SubjectCommandDispatcher) {}

  @Post()
  @ApiOperation({ operationId: 'recordTransfer', summary: 'Record a transfer of personal data', description: 'Writes `data-transferred`. A transfer on the legal basis `consent` is refused (409 `consent-not-active`) unless its purpose is granted at that moment; none is accepted after the subject was erased (409 `subject-erased`).' })
  @ApiCommand()
  record(
    @Param() params: SubjectParams,
    @Body() body: RecordTransferDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { occurredAt, recipient, ...transfer } = body;
    const command = { type: 'record-transfer' as const, ...transfer, recipient: { ...recipient } };
    return this.dispatcher.dispatch(params, request, reply, command, occurredAt);
  }
}
