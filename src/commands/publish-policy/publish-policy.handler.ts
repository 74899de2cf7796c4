import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decidePolicy } from '../../domain/policy/policy.decide.js';
import { evolvePolicy, initialPolicyState, type PolicyState } from '../../domain/policy/policy.state.js';
import { policyStreamId } from '../../domain/stream-id.js';
import { policyEventsOf } from '../../event-store/policy-stream.js';
import { ID_GENERATOR, type IdGenerator } from '../../platform/ids.js';
import type { CommandOutcome, PolicyCommandBody } from '../write-path/command-outcome.js';
import { toNewEvents } from '../write-path/event-envelopes.js';
import { StreamCommandExecutor, writtenEvent } from '../write-path/stream-command-executor.js';
import type { StreamFold } from '../write-path/stream-fold.js';
import { PublishPolicyCommand } from './publish-policy.command.js';

/** A tenant's policy stream as the policy decider sees it. */
const POLICY_FOLD: StreamFold<PolicyState> = {
  name: 'policy',
  initial: initialPolicyState(),
  evolve: (state, events) => policyEventsOf(events).reduce(evolvePolicy, state),
};

/** A publication is decided on, and appended to, the tenant's policy stream. */
@CommandHandler(PublishPolicyCommand)
export class PublishPolicyHandler implements ICommandHandler<PublishPolicyCommand> {
  constructor(
    private readonly streams: StreamCommandExecutor,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  execute({ request }: PublishPolicyCommand): Promise<CommandOutcome<PolicyCommandBody>> {
    const { command, tenantId } = request;
    return this.streams.execute({
      tenantId,
      streamId: policyStreamId(tenantId),
      streamName: "The tenant's policy stream",
      idempotency: request.idempotency,
      fold: POLICY_FOLD,
      decide: (state, now) => {
        const decided = decidePolicy(command, state, { occurredAt: request.occurredAt ?? now });
        // A publication is about no subject ('').
        return toNewEvents(decided, request, '', now, this.ids);
      },
      answer: (events) => ({ tenantId, version: command.version, events: events.map(writtenEvent) }),
    });
  }
}
