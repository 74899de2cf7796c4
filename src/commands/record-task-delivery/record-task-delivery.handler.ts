import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SubjectWritePath } from '../subject-write-path/subject-write-path.js';
import type { CommandOutcome, SubjectCommandBody } from '../write-path/command-outcome.js';
import { StreamCommandExecutor } from '../write-path/stream-command-executor.js';
import { RecordTaskDeliveryCommand } from './record-task-delivery.command.js';

@CommandHandler(RecordTaskDeliveryCommand)
export class RecordTaskDeliveryHandler implements ICommandHandler<RecordTaskDeliveryCommand> {
  constructor(
    private readonly streams: StreamCommandExecutor,
    private readonly subjects: SubjectWritePath,
  ) {}

  execute(command: RecordTaskDeliveryCommand): Promise<CommandOutcome<SubjectCommandBody>> {
    return this.streams.execute(this.subjects.write(command.request));
  }
}
