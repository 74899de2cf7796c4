import { Inject, Injectable, Optional } from '@nestjs/common';
import type { SubjectCommand } from '../../domain/subject/subject.commands.js';
import { decide } from '../../domain/subject/subject.decide.js';
import { isSubjectEventType, type SubjectEvent } from '../../domain/subject/subject.events.js';
import { foldSubject } from '../../domain/subject/subject.state.js';
import { publishedPolicyVersions } from '../../domain/policy/policy.state.js';
import { subjectStreamId } from '../../domain/stream-id.js';
import { LEDGER_CONFIG, type LedgerConfig } from '../../config/ledger-config.js';
import { EVENT_STORE, type EventStore, type StoredEvent } from '../../event-store/event-store.port.js';
import { readPolicyState } from '../../event-store/policy-stream.js';
import { IDEMPOTENCY_STORE, type IdempotencyStore } from '../../idempotency/idempotency-store.port.js';
import { CLOCK, type Clock } from '../../platform/clock.js';
import { ID_GENERATOR, type IdGenerator } from '../../platform/ids.js';
import type { CommandContext } from './command-context.js';
import { createdIds, type CommandOutcome } from './command-outcome.js';
import { toNewEvents } from './event-envelopes.js';
import { StreamCommandExecutor, writtenEvent } from './stream-command-executor.js';

export { MAX_CONFLICT_ATTEMPTS } from './stream-command-executor.js';

export interface SubjectCommandRequest extends CommandContext {
  readonly subjectId: string;
  readonly command: SubjectCommand;
}

/**
 * The write path of subject commands: the generic stream write path (load, fold, decide,
 * append with the expected revision, retry on conflict, Idempotency-Key) over the
 * subject's stream and the subject decider.
 */
@Injectable()
export class SubjectCommandExecutor {
  private readonly streams: StreamCommandExecutor;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IDEMPOTENCY_STORE) idempotencyStore: IdempotencyStore,
    @Inject(CLOCK) clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    // The app shares one write path (and so one idempotency lock) between every command
    // kind; built here when the executor is made by hand (tests).
    @Optional() streams?: StreamCommandExecutor,
  ) {
    this.streams = streams ?? new StreamCommandExecutor(store, idempotencyStore, clock);
  }

  execute(request: SubjectCommandRequest): Promise<CommandOutcome> {
    return this.streams.execute({
      tenantId: request.tenantId,
      streamId: subjectStreamId(request.tenantId, request.subjectId),
      streamName: 'The subject',
      idempotency: request.idempotency,
      decide: async (history, now) => {
        const state = foldSubject(history.filter(isSubjectEvent).map(toSubjectEvent));
        const decided = decide(request.command, state, {
          occurredAt: request.occurredAt ?? now,
          newId: this.ids.newId(),
          erasureDays: this.config.erasureDays,
          erasureSystems: this.config.erasureSystems,
          grievanceDays: this.config.grievanceDays,
          // Read on every attempt, not locked: the tenant's policy stream is another
          // consistency boundary (docs/architecture.md, "Policy versions").
          publishedPolicyVersions:
            request.command.type === 'give-consent'
              ? publishedPolicyVersions(await readPolicyState(this.store, request.tenantId))
              : null,
        });
        return toNewEvents(decided, request, request.subjectId, now, this.ids);
      },
      answer: (events) => ({ subjectId: request.subjectId, ...createdIds(events), events: events.map(writtenEvent) }),
    });
  }
}

const isSubjectEvent = (event: StoredEvent): boolean => isSubjectEventType(event.type);

const toSubjectEvent = (event: StoredEvent): SubjectEvent =>
  ({ type: event.type, occurredAt: event.occurredAt, data: event.data }) as unknown as SubjectEvent;
