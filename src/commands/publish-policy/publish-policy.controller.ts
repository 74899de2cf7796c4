import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TenantParams } from '../../http/subject-params.dto.js';
import { PolicyCommandDispatcher } from '../policy/policy-command.dispatcher.js';
import { PublishPolicyDto } from './publish-policy.dto.js';

@Controller('v1/tenants/:tenantId/policies')
export class PublishPolicyController {
  constructor(private readonly dispatcher: PolicyCommandDispatcher) {}

  @Post()
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
