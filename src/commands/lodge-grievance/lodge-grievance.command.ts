import { Command } from '@nestjs/cqrs';
import type { LodgeGrievance } from '../../domain/subject/grievance.commands.js';
import type { SubjectCommandRequest } from '../request-context/command-context.js';
import type { CommandOutcome, SubjectCommandBody } from '../write-path/command-outcome.js';

/** A subject lodges a grievance. */
export class LodgeGrievanceCommand extends Command<CommandOutcome<SubjectCommandBody>> {
  constructor(readonly request: SubjectCommandRequest<LodgeGrievance>) {
    super();
  }
}
