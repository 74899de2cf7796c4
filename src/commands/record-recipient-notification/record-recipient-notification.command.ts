import { Command } from '@nestjs/cqrs';
import type { RecordRecipientNotification } from '../../domain/subject/recipient-notification.commands.js';
import type { SubjectCommandRequest } from '../request-context/command-context.js';
import type { CommandOutcome, SubjectCommandBody } from '../write-path/command-outcome.js';

/** A recipient of the subject's data was told of its erasure or of a withdrawal (Art. 19). */
export class RecordRecipientNotificationCommand extends Command<CommandOutcome<SubjectCommandBody>> {
  constructor(readonly request: SubjectCommandRequest<RecordRecipientNotification>) {
    super();
  }
}
