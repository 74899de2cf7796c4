import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SubjectParams } from '../../http/subject-params.dto.js';
import { SubjectCommandDispatcher } from '../shared/subject-command.dispatcher.js';
import { WithdrawConsentDto } from './withdraw-consent.dto.js';

@Controller('v1/tenants/:tenantId/subjects/:subjectId/consents/withdrawals')
export class WithdrawConsentController {
  constructor(private readonly dispatcher: SubjectCommandDispatcher) {}

  @Post()
  withdraw(
    @Param() params: SubjectParams,
    @Body() body: WithdrawConsentDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { occurredAt, ...withdrawal } = body;
    return this.dispatcher.dispatch(params, request, reply, { type: 'withdraw-consent', ...withdrawal }, occurredAt);
  }
}
