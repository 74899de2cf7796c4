import { Command } from '@nestjs/cqrs';
import type { RecordErasureTaskDelivery } from '../../domain/subject/subject.commands.js';
import type { SubjectCommandRequest } from '../request-context/command-context.js';
import type { CommandOutcome, SubjectCommandBody } from '../write-path/command-outcome.js';

/** The delivery worker delivered one system's erasure task. */
export class RecordTaskDeliveryCommand extends Command<CommandOutcome<SubjectCommandBody>> {
  constructor(readonly request: SubjectCommandRequest<RecordErasureTaskDelivery>) {
    super();
  }
}
