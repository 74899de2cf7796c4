import { Command } from '@nestjs/cqrs';
import type { GiveConsent } from '../../domain/subject/subject.commands.js';
import type { SubjectCommandRequest } from '../request-context/command-context.js';
import type { CommandOutcome, SubjectCommandBody } from '../write-path/command-outcome.js';

/** A subject consents to purposes under a policy version. */
export class GiveConsentCommand extends Command<CommandOutcome<SubjectCommandBody>> {
  constructor(readonly request: SubjectCommandRequest<GiveConsent>) {
    super();
  }
}
