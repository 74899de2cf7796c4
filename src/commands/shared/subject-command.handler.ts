import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandOutcome } from '../write-path/command-outcome.js';
import { SubjectCommandExecutor } from '../subject-write-path/subject-command-executor.js';
import { SubjectCommandMessage } from './subject-command.message.js';

@CommandHandler(SubjectCommandMessage)
export class SubjectCommandHandler implements ICommandHandler<SubjectCommandMessage, CommandOutcome> {
  constructor(private readonly executor: SubjectCommandExecutor) {}

  execute(message: SubjectCommandMessage): Promise<CommandOutcome> {
    return this.executor.execute(message.request);
  }
}
