import { Command } from '@nestjs/cqrs';
import type { RequestErasure } from '../../domain/subject/subject.commands.js';
import type { SubjectCommandRequest } from '../request-context/command-context.js';
import type { CommandOutcome, SubjectCommandBody } from '../write-path/command-outcome.js';

/** A subject asks for their personal data to be erased. */
export class RequestErasureCommand extends Command<CommandOutcome<SubjectCommandBody>> {
  constructor(readonly request: SubjectCommandRequest<RequestErasure>) {
    super();
  }
}
