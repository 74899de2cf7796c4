import { Command } from '@nestjs/cqrs';
import type { PublishPolicy } from '../../domain/policy/policy.commands.js';
import type { PolicyCommandRequest } from '../request-context/command-context.js';
import type { CommandOutcome, PolicyCommandBody } from '../write-path/command-outcome.js';

/** A tenant publishes a version of its privacy policy. */
export class PublishPolicyCommand extends Command<CommandOutcome<PolicyCommandBody>> {
  constructor(readonly request: PolicyCommandRequest<PublishPolicy>) {
    super();
  }
}
