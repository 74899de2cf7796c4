import type { PolicyCommand } from '../../domain/policy/policy.commands.js';
import type { SubjectCommand } from '../../domain/subject/subject.commands.js';

/** What every command request carries besides the command itself (built by CommandRequestFactory). */
export interface CommandContext {
  /** One id per HTTP request: the causation id of the first event it writes. */
  readonly commandId: string;
  readonly tenantId: string;
  /** Validated by the DTO: not more than 5 minutes ahead of the clock. */
  readonly occurredAt: string | undefined;
  readonly actor: string;
  readonly correlationId: string;
  readonly idempotency: IdempotencyClaim | undefined;
}

/** An `Idempotency-Key` and the fingerprint of the request it came with. */
export interface IdempotencyClaim {
  readonly key: string;
  readonly fingerprint: string;
}

/** A command about one data subject, with its context. */
export interface SubjectCommandRequest<Command extends SubjectCommand = SubjectCommand> extends CommandContext {
  readonly subjectId: string;
  readonly command: Command;
}

/** A command about the tenant itself (its policy versions and notices), with its context. */
export interface PolicyCommandRequest<Command extends PolicyCommand = PolicyCommand> extends CommandContext {
  readonly command: Command;
}
