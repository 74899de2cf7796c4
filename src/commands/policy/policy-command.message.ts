import { Command } from '@nestjs/cqrs';
import type { CommandOutcome } from '../write-path/command-outcome.js';
import type { PolicyCommandBody, PolicyCommandRequest } from './policy-command-executor.js';

/** The bus envelope of every policy command; the executor holds the write path. */
export class PolicyCommandMessage extends Command<CommandOutcome<PolicyCommandBody>> {
  constructor(readonly request: PolicyCommandRequest) {
    super();
  }
}
