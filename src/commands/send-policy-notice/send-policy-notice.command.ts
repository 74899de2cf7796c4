import { Command } from '@nestjs/cqrs';
import type { SendPolicyNotice } from '../../domain/policy/policy.commands.js';
import type { PolicyCommandRequest } from '../request-context/command-context.js';
import type { CommandOutcome, PolicyCommandBody } from '../write-path/command-outcome.js';

/** A tenant sent the notice of a policy version to its primary admin or to one subject. */
export class SendPolicyNoticeCommand extends Command<CommandOutcome<PolicyCommandBody>> {
  constructor(readonly request: PolicyCommandRequest<SendPolicyNotice>) {
    super();
  }
}
