import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiCommand } from '../../http/openapi/api-responses.js';
import { PolicyCommandAnswerDto } from '../../http/openapi/command-answer.dto.js';
import { PolicyParams } from '../../http/policy-params.dto.js';
import { LedgerMetrics } from '../../observability/metrics/ledger-metrics.js';
import { CommandRequestFactory } from '../request-context/command-request.factory.js';
import type { PolicyCommandBody } from '../write-path/command-outcome.js';
import { SendPolicyNoticeCommand } from './send-policy-notice.command.js';
import { SendPolicyNoticeDto } from './send-policy-notice.dto.js';

@ApiTags('commands')
@Controller('v1/tenants/:tenantId/policies/:version/notices')
export class SendPolicyNoticeController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly requests: CommandRequestFactory,
    private readonly metrics: LedgerMetrics,
  ) {}

  @Post()
  @ApiOperation({ operationId: 'sendPolicyNotice', summary: 'Record a notice of a policy version', description: 'Writes `policy-notice-sent`: the notice of a version to the tenant’s primary admin or to one subject (e-mail or pop-up). 404 for a version the tenant never published.' })
  @ApiCommand({ answer: PolicyCommandAnswerDto, problems: [404], problemDescriptions: { 404: 'This tenant has published no such policy version.' } })
  async send(
    @Param() params: PolicyParams,
    @Body() body: SendPolicyNoticeDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PolicyCommandBody> {
    const { sentAt, occurredAt, subjectId, ...notice } = body;
    const sendNotice = {
      type: 'send-policy-notice' as const,
      version: params.version,
      ...notice,
      ...(notice.audience === 'subject' && subjectId !== undefined && { subjectId }),
    };
    const field = sentAt !== undefined ? 'sentAt' : 'occurredAt';
    const command = new SendPolicyNoticeCommand(this.requests.buildPolicy(params, request, sendNotice, sentAt ?? occurredAt, field));
    const outcome = await this.metrics.observeCommand(sendNotice.type, () => this.commandBus.execute(command));
    void reply.status(outcome.status);
    return outcome.body;
  }
}
