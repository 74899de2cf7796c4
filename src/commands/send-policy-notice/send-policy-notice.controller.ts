import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PolicyParams } from '../../http/policy-params.dto.js';
import { PolicyCommandDispatcher } from '../policy/policy-command.dispatcher.js';
import { SendPolicyNoticeDto } from './send-policy-notice.dto.js';

@Controller('v1/tenants/:tenantId/policies/:version/notices')
export class SendPolicyNoticeController {
  constructor(private readonly dispatcher: PolicyCommandDispatcher) {}

  @Post()
  send(
    @Param() params: PolicyParams,
    @Body() body: SendPolicyNoticeDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { sentAt, occurredAt, subjectId, ...notice } = body;
    const command = {
      type: 'send-policy-notice' as const,
      version: params.version,
      ...notice,
      ...(notice.audience === 'subject' && subjectId !== undefined && { subjectId }),
    };
    const field = sentAt !== undefined ? 'sentAt' : 'occurredAt';
    return this.dispatcher.dispatch(params, request, reply, command, sentAt ?? occurredAt, field);
  }
}
