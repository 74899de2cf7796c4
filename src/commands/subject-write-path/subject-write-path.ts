import { Inject, Injectable, Logger } from '@nestjs/common';
import { LedgerError } from '../../domain/ledger-error.js';
import { decide } from '../../domain/subject/subject.decide.js';
import { isSubjectEventType, type SubjectEvent } from '../../domain/subject/subject.events.js';
import { evolve, initialSubjectState, type SubjectState } from '../../domain/subject/subject.state.js';
import { publishedPolicyVersions } from '../../domain/policy/policy.state.js';
import { subjectStreamId } from '../../domain/stream-id.js';
import { LEDGER_CONFIG, type LedgerConfig } from '../../config/ledger-config.js';
import { EVENT_STORE, type EventStore, type NewEvent, type StoredEvent } from '../../event-store/event-store.port.js';
import { readPolicyState } from '../../event-store/policy-stream.js';
import { ID_GENERATOR, type IdGenerator } from '../../platform/ids.js';
import { PersonalData } from '../../privacy/personal-data.js';
import type { SubjectCommandRequest } from '../request-context/command-context.js';
import type { SubjectCommandBody } from '../write-path/command-outcome.js';
import { toNewEvents } from '../write-path/event-envelopes.js';
import { writtenEvent, type StreamWrite } from '../write-path/stream-command-executor.js';
import type { StreamFold } from '../write-path/stream-fold.js';

/**
 * What every subject command adds to the generic stream write path (StreamCommandExecutor,
 * which each handler calls with `write(request)`): the subject's stream, folded and decided
 * on by the subject decider, with the subject's personal data sealed before the events are
 * hashed and its key destroyed when its erasure completes.
 */
@Injectable()
export class SubjectWritePath {
  private readonly logger = new Logger('SubjectCommands');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly personalData: PersonalData,
  ) {}

  /** One subject command as the stream write path runs it. */
  write(request: SubjectCommandRequest): StreamWrite<SubjectCommandBody, SubjectState> {
    const { tenantId, subjectId } = request;
    return {
      tenantId,
      streamId: subjectStreamId(tenantId, subjectId),
      streamName: 'The subject',
      idempotency: request.idempotency,
      fold: SUBJECT_FOLD,
      decide: async (state, now) => {
        const decided = await this.decide(request, state, now);
        // Sealed before the write path chains the hashes, so they cover the stored
        // (encrypted) bytes and every proof stays valid after the key is destroyed.
        return this.personalData.seal(tenantId, subjectId, toNewEvents(decided, request, subjectId, now, this.ids));
      },
      // Marked first: a crash after the append but before the deletion is finished at the next start.
      beforeAppend: async (events) => {
        if (isShredding(events)) await this.personalData.markForShredding(tenantId, subjectId);
      },
      afterAppend: async (events) => {
        if (isShredding(events)) await this.destroyKey(request);
      },
      answer: (events) => ({ subjectId, ...createdIds(events), events: events.map(writtenEvent) }),
    };
  }

  /**
   * decide, with one thing more on `subject-erased`: make sure the erased subject has no
   * key. A writer that raced the shredding may have created a new one for a command that
   * its retry then finds refused (the stream it read first still had the erasure open).
   */
  private async decide(request: SubjectCommandRequest, state: SubjectState, now: string): Promise<SubjectEvent[]> {
    try {
      return decide(request.command, state, {
        occurredAt: request.occurredAt ?? now,
        recordedAt: now,
        newId: this.ids.newId(),
        erasureDays: this.config.erasureDays,
        erasureSystems: this.config.erasureSystems,
        grievanceDays: this.config.grievanceDays,
        // Read on every attempt, not locked: the tenant's policy stream is another
        // consistency boundary (docs/architecture.md, "Policy versions").
        publishedPolicyVersions:
          request.command.type === 'give-consent' ? publishedPolicyVersions(await readPolicyState(this.store, request.tenantId)) : null,
      });
    } catch (error) {
      if (error instanceof LedgerError && error.code === 'subject-erased') await this.destroyKey(request);
      throw error;
    }
  }

  /**
   * Never turns an answer into an error: after the shredding append the events are committed
   * (201), and a refusal stays a refusal. A key left behind after the shredding append is still
   * marked, so the next start destroys it (PrivacyLifecycle); an unfinished truncation of the
   * key store's log is finished by its next open.
   */
  private async destroyKey(request: SubjectCommandRequest): Promise<void> {
    try {
      await this.personalData.shred(request.tenantId, request.subjectId);
    } catch (error) {
      this.logger.error(
        `could not finish destroying the data key of ${request.tenantId}/${request.subjectId} (${(error as Error).message}); the next start finishes it`,
      );
    }
  }
}

/**
 * The id a caller needs next and cannot know in advance, lifted from the events written:
 * a lodged grievance is later resolved by its `grievanceId`. Taken from the stored events,
 * so the answer rebuilt after a crash (from the stream) carries it as well.
 */
const createdIds = (events: readonly StoredEvent[]): { grievanceId?: string } => {
  const grievanceId = events.find((event) => event.type === 'grievance-lodged')?.data['grievanceId'];
  return typeof grievanceId === 'string' ? { grievanceId } : {};
};

/** A subject's stream as the subject decider sees it. */
export const SUBJECT_FOLD: StreamFold<SubjectState> = {
  name: 'subject',
  initial: initialSubjectState(),
  evolve: (state, events) => events.filter(isSubjectEvent).map(toSubjectEvent).reduce(evolve, state),
};

const isShredding = (events: readonly (NewEvent | StoredEvent)[]): boolean =>
  events.some((event) => event.type === 'subject-data-shredded');

const isSubjectEvent = (event: StoredEvent): boolean => isSubjectEventType(event.type);

const toSubjectEvent = (event: StoredEvent): SubjectEvent =>
  ({ type: event.type, occurredAt: event.occurredAt, data: event.data }) as unknown as SubjectEvent;
