import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { SubjectWritePath } from '../subject-write-path/subject-write-path.js';
import type { CommandOutcome, SubjectCommandBody } from '../write-path/command-outcome.js';
import { StreamCommandExecutor } from '../write-path/stream-command-executor.js';
import { RequestErasureCommand } from './request-erasure.command.js';

@CommandHandler(RequestErasureCommand)
export class RequestErasureHandler implements ICommandHandler<RequestErasureCommand> {
  constructor(
    private readonly streams: StreamCommandExecutor,
    private readonly subjects: SubjectWritePath,
  ) {}

  execute(command: RequestErasureCommand): Promise<CommandOutcome<SubjectCommandBody>> {
    return this.streams.execute(this.subjects.write(command.request));
  }
}
