import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SubjectCommand } from '../../domain/subject/subject.commands.js';
import type { SubjectParams } from '../../http/subject-params.dto.js';
import { LedgerMetrics } from '../../observability/metrics/ledger-metrics.js';
import { CommandRequestFactory } from '../request-context/command-request.factory.js';
import type { CommandOutcome } from '../write-path/command-outcome.js';
import { SubjectCommandMessage } from './subject-command.message.js';

/** What every command controller does once its DTO is valid: build, dispatch, answer. */
@Injectable()
export class SubjectCommandDispatcher {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly requests: CommandRequestFactory,
    private readonly metrics: LedgerMetrics,
  ) {}

  async dispatch(
    params: SubjectParams,
    request: FastifyRequest,
    reply: FastifyReply,
    command: SubjectCommand,
    occurredAt: string | undefined,
  ): Promise<CommandOutcome['body']> {
    const message = new SubjectCommandMessage(this.requests.build(params, request, command, occurredAt));
    const outcome = await this.metrics.observeCommand(command.type, () => this.commandBus.execute(message));
    void reply.status(outcome.status);
    return outcome.body;
  }
}
