import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PolicyCommand } from '../../domain/policy/policy.commands.js';
import type { TenantParams } from '../../http/subject-params.dto.js';
import { LedgerMetrics } from '../../observability/metrics/ledger-metrics.js';
import { CommandRequestFactory } from '../request-context/command-request.factory.js';
import type { PolicyCommandBody } from './policy-command-executor.js';
import { PolicyCommandMessage } from './policy-command.message.js';

/** What every policy command controller does once its DTO is valid: build, dispatch, answer. */
@Injectable()
export class PolicyCommandDispatcher {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly requests: CommandRequestFactory,
    private readonly metrics: LedgerMetrics,
  ) {}

  async dispatch(
    params: TenantParams,
    request: FastifyRequest,
    reply: FastifyReply,
    command: PolicyCommand,
    occurredAt: string | undefined,
    occurredAtField?: string,
  ): Promise<PolicyCommandBody> {
    const message = new PolicyCommandMessage(this.requests.buildPolicy(params, request, command, occurredAt, occurredAtField));
    const outcome = await this.metrics.observeCommand(command.type, () => this.commandBus.execute(message));
    void reply.status(outcome.status);
    return outcome.body;
  }
}
