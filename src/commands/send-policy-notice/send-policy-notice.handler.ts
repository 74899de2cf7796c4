import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decidePolicy } from '../../domain/policy/policy.decide.js';
import { foldPolicy } from '../../domain/policy/policy.state.js';
import { policyNoticeStreamId, policyStreamId } from '../../domain/stream-id.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { policyEventsOf } from '../../event-store/policy-stream.js';
import { ID_GENERATOR, type IdGenerator } from '../../platform/ids.js';
import type { CommandOutcome, PolicyCommandBody } from '../write-path/command-outcome.js';
import { toNewEvents } from '../write-path/event-envelopes.js';
import { StreamCommandExecutor, writtenEvent } from '../write-path/stream-command-executor.js';
import { NOTHING_FOLDED } from '../write-path/stream-fold.js';
import { SendPolicyNoticeCommand } from './send-policy-notice.command.js';

/**
 * A notice is appended to the version's own notice stream (so that notices never grow the
 * stream every consent reads). It is decided on the policy stream, read alongside, which
 * only has to show that the version was published (publications are never undone, so that
 * read cannot go stale in a way that matters).
 */
@CommandHandler(SendPolicyNoticeCommand)
export class SendPolicyNoticeHandler implements ICommandHandler<SendPolicyNoticeCommand> {
  constructor(
    private readonly streams: StreamCommandExecutor,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  execute({ request }: SendPolicyNoticeCommand): Promise<CommandOutcome<PolicyCommandBody>> {
    const { command, tenantId } = request;
    return this.streams.execute({
      tenantId,
      streamId: policyNoticeStreamId(tenantId, command.version),
      streamName: 'The notice stream',
      idempotency: request.idempotency,
      // The notices already sent change nothing about sending another.
      fold: NOTHING_FOLDED,
      decide: async (_nothing, now) => {
        const published = await this.store.readStream(policyStreamId(tenantId));
        const decided = decidePolicy(command, foldPolicy(policyEventsOf(published)), { occurredAt: request.occurredAt ?? now });
        // A notice to one subject names that subject, so its events can be found by subject;
        // a notice to the admin is about no subject ('').
        const subjectId = command.audience === 'subject' ? (command.subjectId ?? '') : '';
        return toNewEvents(decided, request, subjectId, now, this.ids);
      },
      answer: (events) => ({ tenantId, version: command.version, events: events.map(writtenEvent) }),
    });
  }
}
