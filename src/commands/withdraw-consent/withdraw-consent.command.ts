import { Command } from '@nestjs/cqrs';
import type { WithdrawConsent } from '../../domain/subject/subject.commands.js';
import type { SubjectCommandRequest } from '../request-context/command-context.js';
import type { CommandOutcome, SubjectCommandBody } from '../write-path/command-outcome.js';

/** A subject withdraws consent to some purposes, or to all. */
export class WithdrawConsentCommand extends Command<CommandOutcome<SubjectCommandBody>> {
  constructor(readonly request: SubjectCommandRequest<WithdrawConsent>) {
    super();
  }
}
