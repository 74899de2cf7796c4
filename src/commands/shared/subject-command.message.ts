import { Command } from '@nestjs/cqrs';
import type { CommandOutcome } from '../write-path/command-outcome.js';
import type { SubjectCommandRequest } from '../subject-write-path/subject-command-executor.js';

/** The bus envelope of every subject command; the executor holds the write path. */
export class SubjectCommandMessage extends Command<CommandOutcome> {
  constructor(readonly request: SubjectCommandRequest) {
    super();
  }
}
