import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiCommand } from '../../http/openapi/api-responses.js';
import { SubjectParams } from '../../http/subject-params.dto.js';
import { SubjectCommandDispatcher } from '../shared/subject-command.dispatcher.js';
import { ConfirmErasureDto } from './confirm-erasure.dto.js';

@ApiTags('commands')
@Controller('v1/tenants/:tenantId/subjects/:subjectId/deletion-completions')
export class ConfirmErasureController {
  constructor(private readonly dispatcher: SubjectCommandDispatcher) {}

  @Post()
  @ApiOperation({ operationId: 'confirmErasure', summary: 'Confirm deletion in one system', description: 'Writes `deletion-completed` for one system; the last confirmation completes the erasure and destroys the subject’s data key. 409 `no-open-erasure`, 422 `unknown-system`.' })
  @ApiCommand()
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
