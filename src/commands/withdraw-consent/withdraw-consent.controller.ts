import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiCommand } from '../../http/openapi/api-responses.js';
import { SubjectParams } from '../../http/subject-params.dto.js';
import { SubjectCommandDispatcher } from '../shared/subject-command.dispatcher.js';
import { WithdrawConsentDto } from './withdraw-consent.dto.js';

@ApiTags('commands')
@Controller('v1/tenants/:tenantId/subjects/:subjectId/consents/withdrawals')
export class WithdrawConsentController {
  constructor(private readonly dispatcher: SubjectCommandDispatcher) {}

  @Post()
  @ApiOperation({ operationId: 'withdrawConsent', summary: 'Withdraw consent', description: 'Writes `consent-withdrawn`, and `deletion-requested` when no purpose stays granted. 409 `consent-not-active` when nothing to withdraw is granted.' })
  @ApiCommand()
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
