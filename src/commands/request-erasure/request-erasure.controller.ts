import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SubjectParams } from '../../http/subject-params.dto.js';
import { SubjectCommandDispatcher } from '../shared/subject-command.dispatcher.js';
import { RequestErasureDto } from './request-erasure.dto.js';

@Controller('v1/tenants/:tenantId/subjects/:subjectId/deletion-requests')
export class RequestErasureController {
  constructor(private readonly dispatcher: SubjectCommandDispatcher) {}

  @Post()
  request(
    @Param() params: SubjectParams,
    @Body() body: RequestErasureDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { occurredAt, ...erasure } = body;
    return this.dispatcher.dispatch(params, request, reply, { type: 'request-erasure', ...erasure }, occurredAt);
  }
}
