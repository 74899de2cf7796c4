import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiCommand } from '../../http/openapi/api-responses.js';
import { SubjectParams } from '../../http/subject-params.dto.js';
import { LedgerMetrics } from '../../observability/metrics/ledger-metrics.js';
import { CommandRequestFactory } from '../request-context/command-request.factory.js';
import type { SubjectCommandBody } from '../write-path/command-outcome.js';
import { GiveConsentCommand } from './give-consent.command.js';
import { GiveConsentDto } from './give-consent.dto.js';

@ApiTags('commands')
@Controller('v1/tenants/:tenantId/subjects/:subjectId/consents')
export class GiveConsentController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly requests: CommandRequestFactory,
    private readonly metrics: LedgerMetrics,
  ) {}

  @Post()
  @ApiOperation({ operationId: 'giveConsent', summary: 'Record consent to purposes', description: 'Writes `consent-given`. Answers 200 with no events when every purpose is already granted under that policy version. 409 while an erasure is open or after it completed.' })
  @ApiCommand()
  async give(
    @Param() params: SubjectParams,
    @Body() body: GiveConsentDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SubjectCommandBody> {
    const { occurredAt, evidence, ...consent } = body;
    const giveConsent = { type: 'give-consent' as const, ...consent, ...(evidence && { evidence: { ...evidence } }) };
    const command = new GiveConsentCommand(this.requests.build(params, request, giveConsent, occurredAt));
    const outcome = await this.metrics.observeCommand(giveConsent.type, () => this.commandBus.execute(command));
    void reply.status(outcome.status);
    return outcome.body;
  }
}
