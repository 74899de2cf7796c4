import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiCommand } from '../../http/openapi/api-responses.js';
import { SubjectParams } from '../../http/subject-params.dto.js';
import { SubjectCommandDispatcher } from '../shared/subject-command.dispatcher.js';
import { RequestErasureDto } from './request-erasure.dto.js';

@ApiTags('commands')
@Controller('v1/tenants/:tenantId/subjects/:subjectId/deletion-requests')
export class RequestErasureController {
  constructor(private readonly dispatcher: SubjectCommandDispatcher) {}

  @Post()
  @ApiOperation({ operationId: 'requestErasure', summary: 'Request erasure', description: 'Writes `deletion-requested` with its deadline and the systems that must each confirm. 409 `erasure-already-open`.' })
  @ApiCommand()
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
