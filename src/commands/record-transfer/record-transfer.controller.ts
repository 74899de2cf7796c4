import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SubjectParams } from '../../http/subject-params.dto.js';
import { SubjectCommandDispatcher } from '../shared/subject-command.dispatcher.js';
import { RecordTransferDto } from './record-transfer.dto.js';

@Controller('v1/tenants/:tenantId/subjects/:subjectId/transfers')
export class RecordTransferController {
  constructor(private readonly dispatcher: SubjectCommandDispatcher) {}

  @Post()
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
