import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SubjectWritePath } from '../subject-write-path/subject-write-path.js';
import type { CommandOutcome, SubjectCommandBody } from '../write-path/command-outcome.js';
import { StreamCommandExecutor } from '../write-path/stream-command-executor.js';
import { RecordRecipientNotificationCommand } from './record-recipient-notification.command.js';

@CommandHandler(RecordRecipientNotificationCommand)
export class RecordRecipientNotificationHandler implements ICommandHandler<RecordRecipientNotificationCommand> {
  constructor(
    private readonly streams: StreamCommandExecutor,
    private readonly subjects: SubjectWritePath,
  ) {}

  execute(command: RecordRecipientNotificationCommand): Promise<CommandOutcome<SubjectCommandBody>> {
    return this.streams.execute(this.subjects.write(command.request));
  }
}
