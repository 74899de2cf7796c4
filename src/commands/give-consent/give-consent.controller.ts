import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiCommand } from '../../http/openapi/api-responses.js';
import { SubjectParams } from '../../http/subject-params.dto.js';
import { SubjectCommandDispatcher } from '../shared/subject-command.dispatcher.js';
import { GiveConsentDto } from './give-consent.dto.js';

@ApiTags('commands')
@Controller('v1/tenants/:tenantId/subjects/:subjectId/consents')
export class GiveConsentController {
  constructor(private readonly dispatcher: SubjectCommandDispatcher) {}

  @Post()
  @ApiOperation({ operationId: 'giveConsent', summary: 'Record consent to purposes', description: 'Writes `consent-given`. Answers 200 with no events when every purpose is already granted under that policy version. 409 while an erasure is open or after it completed.' })
  @ApiCommand()
  give(
    @Param() params: SubjectParams,
    @Body() body: GiveConsentDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { occurredAt, evidence, ...consent } = body;
    const command = { type: 'give-consent' as const, ...consent, ...(evidence && { evidence: { ...evidence } }) };
    return this.dispatcher.dispatch(params, request, reply, command, occurredAt);
  }
}
