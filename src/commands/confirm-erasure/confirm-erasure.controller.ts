import { Body, Controller, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CONFIRMATION_TOKEN_STORE, type ConfirmationTokenStore } from '../../confirmation-tokens/confirmation-token-store.port.js';
import { ApiCommand } from '../../http/openapi/api-responses.js';
import { CLOCK, type Clock } from '../../platform/clock.js';
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
    @Inject(CONFIRMATION_TOKEN_STORE) private readonly tokens: ConfirmationTokenStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @ApiOperation({
    operationId: 'confirmErasure',
    summary: 'Confirm deletion in one system',
    description:
      'Writes `deletion-completed` for one system; the last confirmation completes the erasure and destroys the subject’s data key. 409 `no-open-erasure`, 422 `unknown-system`. ' +
      'An erasure system may send, instead of an API key, the confirmation token its erasure task carried (`Authorization: Bearer ledger-ct_...`): valid for that tenant, subject, erasure and `system` only, until it expires, once. ' +
      'Refused with 401 `confirmation-token-unknown`, `confirmation-token-expired` or `confirmation-token-used`, or 403 `confirmation-token-out-of-scope`; a refused command leaves the token usable, and a retry with the same `Idempotency-Key` gets the first answer again.',
  })
  @ApiCommand({
    problemDescriptions: {
      401: 'No API key or confirmation token, one the ledger does not know, or a confirmation token that expired (`confirmation-token-expired`) or was used (`confirmation-token-used`).',
      403: "The API key's role or tenants do not allow this request, or the confirmation token is for another tenant, subject or system (`confirmation-token-out-of-scope`).",
    },
  })
  async confirm(
    @Param() params: SubjectParams,
    @Body() body: ConfirmErasureDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SubjectCommandBody> {
    const { occurredAt, ...confirmation } = body;
    const token = request.confirmationToken;
    // A token confirms only the erasure it was issued for.
    const confirmErasure = {
      type: 'confirm-erasure' as const,
      ...confirmation,
      ...(token !== undefined && { deletionId: token.deletionId }),
    };
    const command = new ConfirmErasureCommand(this.requests.build(params, request, confirmErasure, occurredAt));
    const outcome = await this.metrics.observeCommand(confirmErasure.type, () => this.commandBus.execute(command));
    if (token !== undefined && !token.retry) {
      // Used once the confirmation stands (201, or 200 when the system had already confirmed).
      // A concurrent request with the same token may have used it first: this answer stands
      // all the same, since its events (if any) are written.
      const key = request.headers['idempotency-key'];
      await this.tokens.consume(token.tokenSha256, this.clock.now().toISOString(), typeof key === 'string' ? key : null);
    }
    void reply.status(outcome.status);
    return outcome.body;
  }
}
