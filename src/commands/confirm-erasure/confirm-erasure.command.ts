import { Command } from '@nestjs/cqrs';
import type { ConfirmErasure } from '../../domain/subject/subject.commands.js';
import type { SubjectCommandRequest } from '../request-context/command-context.js';
import type { CommandOutcome, SubjectCommandBody } from '../write-path/command-outcome.js';

/** One system confirms that it deleted a subject's data. */
export class ConfirmErasureCommand extends Command<CommandOutcome<SubjectCommandBody>> {
  constructor(readonly request: SubjectCommandRequest<ConfirmErasure>) {
    super();
  }
}
