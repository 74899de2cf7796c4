import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiCommand } from '../../http/openapi/api-responses.js';
import { TenantParams } from '../../http/subject-params.dto.js';
import { PolicyCommandDispatcher } from '../policy/policy-command.dispatcher.js';
import { PolicyCommandAnswerDto } from '../../http/openapi/command-answer.dto.js';
import { PublishPolicyDto } from './publish-policy.dto.js';

@ApiTags('commands')
@Controller('v1/tenants/:tenantId/policies')
export class PublishPolicyController {
  constructor(private readonly dispatcher: PolicyCommandDispatcher) {}

  @Post()
  @ApiOperation({ operationId: 'publishPolicy', summary: 'Publish a policy version', description: 'Writes `policy-published` to the tenant’s policy stream. Publishing the same version again with the same content changes nothing (200); with other content, 409 `policy-version-exists`.' })
  @ApiCommand({ answer: PolicyCommandAnswerDto })
  publish(
    @Param() params: TenantParams,
    @Body() body: PublishPolicyDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { occurredAt, effectiveFrom, ...policy } = body;
    // One spelling of the instant in the log, so that republishing it is recognised.
    const command = { type: 'publish-policy' as const, ...policy, effectiveFrom: new Date(effectiveFrom).toISOString() };
    return this.dispatcher.dispatch(params, request, reply, command, occurredAt);
  }
}
