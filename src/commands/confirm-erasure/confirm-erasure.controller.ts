import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SubjectParams } from '../../http/subject-params.dto.js';
import { SubjectCommandDispatcher } from '../shared/subject-command.dispatcher.js';
import { ConfirmErasureDto } from './confirm-erasure.dto.js';

@Controller('v1/tenants/:tenantId/subjects/:subjectId/deletion-completions')
export class ConfirmErasureController {
  constructor(private readonly dispatcher: SubjectCommandDispatcher) {}

  @Post()
  confirm(
    @Param() params: SubjectParams,
    @Body() body: ConfirmErasureDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { occurredAt, ...confirmation } = body;
    return this.dispatcher.dispatch(params, request, reply, { type: 'confirm-erasure', ...confirmation }, occurredAt);
  }
}
