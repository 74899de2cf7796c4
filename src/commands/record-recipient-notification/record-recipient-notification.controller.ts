import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiCommand } from '../../http/openapi/api-responses.js';
import { SubjectParams } from '../../http/subject-params.dto.js';
import { LedgerMetrics } from '../../observability/metrics/ledger-metrics.js';
import { CommandRequestFactory } from '../request-context/command-request.factory.js';
import type { SubjectCommandBody } from '../write-path/command-outcome.js';
import { RecordRecipientNotificationCommand } from './record-recipient-notification.command.js';
import { RecordRecipientNotificationDto } from './record-recipient-notification.dto.js';

@ApiTags('commands')
@Controller('v1/tenants/:tenantId/subjects/:subjectId/recipient-notifications')
export class RecordRecipientNotificationController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly requests: CommandRequestFactory,
    private readonly metrics: LedgerMetrics,
  ) {}

  @Post()
  @ApiOperation({
    operationId: 'recordRecipientNotification',
    summary: 'Record that a recipient was told of an erasure or a withdrawal (Art. 19)',
    description:
      'Writes `recipient-notified`, one per notice answered (without `notificationId`, every notice still owed to the recipient). 409 `no-notification-owed` names `recipientId` or `notificationId` when nothing was owed; a recipient already told changes nothing (200).',
  })
  @ApiCommand()
  async record(
    @Param() params: SubjectParams,
    @Body() body: RecordRecipientNotificationDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SubjectCommandBody> {
    const { occurredAt, ...notice } = body;
    const recordNotification = { type: 'record-recipient-notification' as const, ...notice };
    const command = new RecordRecipientNotificationCommand(this.requests.build(params, request, recordNotification, occurredAt));
    const outcome = await this.metrics.observeCommand(recordNotification.type, () => this.commandBus.execute(command));
    void reply.status(outcome.status);
    return outcome.body;
  }
}
