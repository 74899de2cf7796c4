import { Inject, Injectable } from '@nestjs/common';
import type { PolicyCommand } from '../../domain/policy/policy.commands.js';
import { decidePolicy } from '../../domain/policy/policy.decide.js';
import { foldPolicy } from '../../domain/policy/policy.state.js';
import { policyNoticeStreamId, policyStreamId } from '../../domain/stream-id.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { policyEventsOf } from '../../event-store/policy-stream.js';
import { ID_GENERATOR, type IdGenerator } from '../../platform/ids.js';
import type { CommandContext } from '../request-context/command-context.js';
import type { CommandOutcome, WrittenEvent } from '../write-path/command-outcome.js';
import { toNewEvents } from '../write-path/event-envelopes.js';
import { StreamCommandExecutor, writtenEvent } from '../write-path/stream-command-executor.js';

export interface PolicyCommandRequest extends CommandContext {
  readonly command: PolicyCommand;
}

/** A policy command's answer: the tenant and version it was about, and the events written. */
export interface PolicyCommandBody {
  readonly tenantId: string;
  readonly version: string;
  readonly events: readonly WrittenEvent[];
}

/**
 * The write path of policy commands, on the generic stream write path. A publication is
 * decided on, and appended to, the tenant's policy stream. A notice is appended to the
 * version's own notice stream (so that notices never grow the stream every consent
 * reads); it is decided on the policy stream, read alongside, which only has to show that
 * the version was published (publications are never undone, so that read cannot go stale
 * in a way that matters).
 */
@Injectable()
export class PolicyCommandExecutor {
  constructor(
    private readonly streams: StreamCommandExecutor,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  execute(request: PolicyCommandRequest): Promise<CommandOutcome<PolicyCommandBody>> {
    const { command, tenantId } = request;
    const publications = policyStreamId(tenantId);
    const isPublication = command.type === 'publish-policy';
    return this.streams.execute({
      tenantId,
      streamId: isPublication ? publications : policyNoticeStreamId(tenantId, command.version),
      streamName: isPublication ? "The tenant's policy stream" : 'The notice stream',
      idempotency: request.idempotency,
      decide: async (history, now) => {
        const published = isPublication ? history : await this.store.readStream(publications);
        const decided = decidePolicy(command, foldPolicy(policyEventsOf(published)), { occurredAt: request.occurredAt ?? now });
        // A notice to one subject names that subject, so its events can be found by subject;
        // a publication or a notice to the admin is about no subject ('').
        const subjectId = command.type === 'send-policy-notice' && command.audience === 'subject' ? (command.subjectId ?? '') : '';
        return toNewEvents(decided, request, subjectId, now, this.ids);
      },
      answer: (events) => ({ tenantId, version: command.version, events: events.map(writtenEvent) }),
    });
  }
}
