import { Command } from '@nestjs/cqrs';
import type { ResolveGrievance } from '../../domain/subject/grievance.commands.js';
import type { SubjectCommandRequest } from '../request-context/command-context.js';
import type { CommandOutcome, SubjectCommandBody } from '../write-path/command-outcome.js';

/** A subject's grievance was redressed. */
export class ResolveGrievanceCommand extends Command<CommandOutcome<SubjectCommandBody>> {
  constructor(readonly request: SubjectCommandRequest<ResolveGrievance>) {
    super();
  }
}
