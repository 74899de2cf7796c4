import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiCommand } from '../../http/openapi/api-responses.js';
import { SubjectParams } from '../../http/subject-params.dto.js';
import { LedgerMetrics } from '../../observability/metrics/ledger-metrics.js';
import { CommandRequestFactory } from '../request-context/command-request.factory.js';
import type { SubjectCommandBody } from '../write-path/command-outcome.js';
import { ConfirmErasureCommand } from './confirm-erasure.command.js';
import { ConfirmErasureDto } from './confirm-erasure.dto.js';

@ApiTags('commands')
@Controller('v1/tenants/:tenantId/subjects/:subjectId/deletion-completions')
export class ConfirmErasureController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly requests: CommandRequestFactory,
    private readonly metrics: LedgerMetrics,
  ) {}

  @Post()
  @ApiOperation({ operationId: 'confirmErasure', summary: 'Confirm deletion in one system', description: 'Writes `deletion-completed` for one system; the last confirmation completes the erasure and destroys the subject’s data key. 409 `no-open-erasure`, 422 `unknown-system`.' })
  @ApiCommand()
  async confirm(
    @Param() params: SubjectParams,
    @Body() body: ConfirmErasureDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SubjectCommandBody> {
    const { occurredAt, ...confirmation } = body;
    const confirmErasure = { type: 'confirm-erasure' as const, ...confirmation };
    const command = new ConfirmErasureCommand(this.requests.build(params, request, confirmErasure, occurredAt));
    const outcome = await this.metrics.observeCommand(confirmErasure.type, () => this.commandBus.execute(command));
    void reply.status(outcome.status);
    return outcome.body;
  }
}
