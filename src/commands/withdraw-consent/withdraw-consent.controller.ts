import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiCommand } from '../../http/openapi/api-responses.js';
import { SubjectParams } from '../../http/subject-params.dto.js';
import { LedgerMetrics } from '../../observability/metrics/ledger-metrics.js';
import { CommandRequestFactory } from '../request-context/command-request.factory.js';
import type { SubjectCommandBody } from '../write-path/command-outcome.js';
import { WithdrawConsentCommand } from './withdraw-consent.command.js';
import { WithdrawConsentDto } from './withdraw-consent.dto.js';

@ApiTags('commands')
@Controller('v1/tenants/:tenantId/subjects/:subjectId/consents/withdrawals')
export class WithdrawConsentController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly requests: CommandRequestFactory,
    private readonly metrics: LedgerMetrics,
  ) {}

  @Post()
  @ApiOperation({ operationId: 'withdrawConsent', summary: 'Withdraw consent', description: 'Writes `consent-withdrawn`, and `deletion-requested` when no purpose stays granted. 409 `consent-not-active` when nothing to withdraw is granted.' })
  @ApiCommand()
  async withdraw(
    @Param() params: SubjectParams,
    @Body() body: WithdrawConsentDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SubjectCommandBody> {
    const { occurredAt, ...withdrawal } = body;
    const withdrawConsent = { type: 'withdraw-consent' as const, ...withdrawal };
    const command = new WithdrawConsentCommand(this.requests.build(params, request, withdrawConsent, occurredAt));
    const outcome = await this.metrics.observeCommand(withdrawConsent.type, () => this.commandBus.execute(command));
    void reply.status(outcome.status);
    return outcome.body;
  }
}
