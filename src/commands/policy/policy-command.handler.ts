import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandOutcome } from '../write-path/command-outcome.js';
import { PolicyCommandExecutor, type PolicyCommandBody } from './policy-command-executor.js';
import { PolicyCommandMessage } from './policy-command.message.js';

@CommandHandler(PolicyCommandMessage)
export class PolicyCommandHandler implements ICommandHandler<PolicyCommandMessage, CommandOutcome<PolicyCommandBody>> {
  constructor(private readonly executor: PolicyCommandExecutor) {}

  execute(message: PolicyCommandMessage): Promise<CommandOutcome<PolicyCommandBody>> {
    return this.executor.execute(message.request);
  }
}
