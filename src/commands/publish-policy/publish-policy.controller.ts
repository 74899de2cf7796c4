import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiCommand } from '../../http/openapi/api-responses.js';
import { PolicyCommandAnswerDto } from '../../http/openapi/command-answer.dto.js';
import { TenantParams } from '../../http/subject-params.dto.js';
import { LedgerMetrics } from '../../observability/metrics/ledger-metrics.js';
import { CommandRequestFactory } from '../request-context/command-request.factory.js';
import type { PolicyCommandBody } from '../write-path/command-outcome.js';
import { PublishPolicyCommand } from './publish-policy.command.js';
import { PublishPolicyDto } from './publish-policy.dto.js';

@ApiTags('commands')
@Controller('v1/tenants/:tenantId/policies')
export class PublishPolicyController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly requests: CommandRequestFactory,
    private readonly metrics: LedgerMetrics,
  ) {}

  @Post()
  @ApiOperation({ operationId: 'publishPolicy', summary: 'Publish a policy version', description: 'Writes `policy-published` to the tenant’s policy stream. Publishing the same version again with the same content changes nothing (200); with other content, 409 `policy-version-exists`.' })
  @ApiCommand({ answer: PolicyCommandAnswerDto })
  async publish(
    @Param() params: TenantParams,
    @Body() body: PublishPolicyDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PolicyCommandBody> {
    const { occurredAt, effectiveFrom, ...policy } = body;
    // One spelling of the instant in the log, so that republishing it is recognised.
    const publishPolicy = { type: 'publish-policy' as const, ...policy, effectiveFrom: new Date(effectiveFrom).toISOString() };
    const command = new PublishPolicyCommand(this.requests.buildPolicy(params, request, publishPolicy, occurredAt));
    const outcome = await this.metrics.observeCommand(publishPolicy.type, () => this.commandBus.execute(command));
    void reply.status(outcome.status);
    return outcome.body;
  }
}
