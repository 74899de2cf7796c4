import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SubjectParams } from '../../http/subject-params.dto.js';
import { SubjectCommandDispatcher } from '../shared/subject-command.dispatcher.js';
import { GiveConsentDto } from './give-consent.dto.js';

@Controller('v1/tenants/:tenantId/subjects/:subjectId/consents')
export class GiveConsentController {
  constructor(private readonly dispatcher: SubjectCommandDispatcher) {}

  @Post()
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
