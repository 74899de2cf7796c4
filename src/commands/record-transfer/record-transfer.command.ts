import { Command } from '@nestjs/cqrs';
import type { RecordTransfer } from '../../domain/subject/subject.commands.js';
import type { SubjectCommandRequest } from '../request-context/command-context.js';
import type { CommandOutcome, SubjectCommandBody } from '../write-path/command-outcome.js';

/** A subject's personal data was transferred to a recipient. */
export class RecordTransferCommand extends Command<CommandOutcome<SubjectCommandBody>> {
  constructor(readonly request: SubjectCommandRequest<RecordTransfer>) {
    super();
  }
}
