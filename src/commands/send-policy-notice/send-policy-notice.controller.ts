import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiCommand } from '../../http/openapi/api-responses.js';
import { PolicyParams } from '../../http/policy-params.dto.js';
import { PolicyCommandDispatcher } from '../policy/policy-command.dispatcher.js';
import { PolicyCommandAnswerDto } from '../../http/openapi/command-answer.dto.js';
import { SendPolicyNoticeDto } from './send-policy-notice.dto.js';

@ApiTags('commands')
@Controller('v1/tenants/:tenantId/policies/:version/notices')
export class SendPolicyNoticeController {
  constructor(private readonly dispatcher: PolicyCommandDispatcher) {}

  @Post()
  @ApiOperation({ operationId: 'sendPolicyNotice', summary: 'Record a notice of a policy version', description: 'Writes `policy-notice-sent`: the notice of a version to the tenant’s primary admin or to one subject (e-mail or pop-up). 404 for a version the tenant never published.' })
  @ApiCommand({ answer: PolicyCommandAnswerDto, problems: [404], problemDescriptions: { 404: 'This tenant has published no such policy version.' } })
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
