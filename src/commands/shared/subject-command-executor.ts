import { Inject, Injectable, Logger } from '@nestjs/common';
import { LedgerError, type ErrorCode, type FieldError } from '../../domain/ledger-error.js';
import type { SubjectCommand } from '../../domain/subject/subject.commands.js';
import { decide } from '../../domain/subject/subject.decide.js';
import { isSubjectEventType, type SubjectEvent } from '../../domain/subject/subject.events.js';
import { foldSubject, type SubjectState } from '../../domain/subject/subject.state.js';
import { subjectStreamId } from '../../domain/stream-id.js';
import { LEDGER_CONFIG, type LedgerConfig } from '../../config/ledger-config.js';
import {
  EVENT_STORE,
  WrongExpectedVersionError,
  type EventStore,
  type NewEvent,
  type StoredEvent,
} from '../../event-store/event-store.port.js';
import { GENESIS_HASH, chainEvents } from '../../evidence/event-hash.js';
import { IDEMPOTENCY_STORE, type IdempotencyStore } from '../../idempotency/idempotency-store.port.js';
import { CLOCK, type Clock } from '../../platform/clock.js';
import { ID_GENERATOR, type IdGenerator } from '../../platform/ids.js';
import { PersonalData } from '../../privacy/personal-data.js';
import type { CommandOutcome } from './command-outcome.js';
import { KeyedMutex } from './keyed-mutex.js';

export interface SubjectCommandRequest {
  /** One id per HTTP request: the causation id of the first event it writes. */
  readonly commandId: string;
  readonly tenantId: string;
  readonly subjectId: string;
  readonly command: SubjectCommand;
  /** Validated by the DTO: not more than 5 minutes ahead of the clock. */
  readonly occurredAt: string | undefined;
  readonly actor: string;
  readonly correlationId: string;
  readonly idempotency: { readonly key: string; readonly fingerprint: string } | undefined;
}

/** Conflicts are retried on fresh state this many times before answering 409. */
export const MAX_CONFLICT_ATTEMPTS = 5;

/**
 * The one write path of the ledger: load the subject's stream, fold it, decide, append
 * with the expected revision, and on a version conflict do it all again (decide is pure,
 * so re-running it is safe).
 */
@Injectable()
export class SubjectCommandExecutor {
  private readonly idempotencyLocks = new KeyedMutex();
  private readonly logger = new Logger('SubjectCommands');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IDEMPOTENCY_STORE) private readonly idempotencyStore: IdempotencyStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly personalData: PersonalData,
  ) {}

  async execute(request: SubjectCommandRequest): Promise<CommandOutcome> {
    const idempotency = request.idempotency;
    if (!idempotency) return this.decideAndAppend(request);
    return this.idempotencyLocks.run(`${request.tenantId}\u0000${idempotency.key}`, async () => {
      const previous = await this.idempotencyStore.find(request.tenantId, idempotency.key);
      if (previous) {
        if (previous.fingerprint !== idempotency.fingerprint) {
          throw new LedgerError(
            'idempotency-key-reused',
            'This Idempotency-Key was already used for a different request; use a new key for a new request.',
          );
        }
        if (previous.status >= 400) throw refusalFrom(previous.body);
        return { status: previous.status, body: previous.body } as CommandOutcome;
      }
      const remember = (status: number, body: unknown) =>
        this.idempotencyStore.save({
          tenantId: request.tenantId,
          key: idempotency.key,
          fingerprint: idempotency.fingerprint,
          status,
          body,
          createdAt: this.clock.now().toISOString(),
        });
      try {
        const outcome = await this.decideAndAppend(request);
        await remember(outcome.status, outcome.body);
        return outcome;
      } catch (error) {
        // A refusal by the rules is an answer too: the same request gets it again. A
        // conflict or an outage is not; the retry must be free to succeed.
        if (error instanceof LedgerError && isRuleRefusal(error)) {
          await remember(error.status, { code: error.code, detail: error.detail, errors: error.errors ?? [] });
        }
        throw error;
      }
    });
  }

  private async decideAndAppend(request: SubjectCommandRequest): Promise<CommandOutcome> {
    const streamId = subjectStreamId(request.tenantId, request.subjectId);
    for (let attempt = 1; attempt <= MAX_CONFLICT_ATTEMPTS; attempt++) {
      const history = await this.store.readStream(streamId);
      // The events were appended but the answer was never recorded (a crash in between):
      // the stream itself remembers the key, so the retry still gets the first answer.
      const key = request.idempotency?.key;
      const earlier = key === undefined ? [] : history.filter((event) => event.metadata.idempotencyKey === key);
      if (earlier.length > 0) return created(request.subjectId, earlier);

      const state = foldSubject(history.filter(isSubjectEvent).map(toSubjectEvent));
      const now = this.clock.now().toISOString();
      const decided = await this.decide(request, state, now);
      if (decided.length === 0) return { status: 200, body: { subjectId: request.subjectId, events: [] } };

      const last = history.at(-1);
      // Personal values are sealed before the chain is computed, so the hashes cover the
      // stored (encrypted) bytes and every proof stays valid after the key is destroyed.
      const sealed = await this.personalData.seal(request.tenantId, request.subjectId, this.envelopes(request, decided, now));
      // The stream positions are known here because the append is checked against exactly
      // this revision: if another writer got there first the append fails, and the next
      // attempt chains again from the fresh history. Chaining is the last step before the
      // store, so anything that transforms the stored form (e.g. encryption) must go before it.
      const chained = chainEvents(
        streamId,
        previousHashOf(last),
        last === undefined ? 0 : last.streamPosition + 1,
        sealed,
      );
      const shredding = decided.some((event) => event.type === 'subject-data-shredded');
      // Marked first: a crash after the append but before the deletion is finished at the next start.
      if (shredding) await this.personalData.markForShredding(request.tenantId, request.subjectId);
      let result;
      try {
        result = await this.store.append(streamId, chained, last === undefined ? 'no-stream' : last.streamPosition);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        continue;
      }
      if (shredding) await this.destroyKey(request);
      return created(request.subjectId, result.events);
    }
    throw new LedgerError(
      'concurrent-modification',
      `The subject changed ${MAX_CONFLICT_ATTEMPTS} times while this command was decided; retry it.`,
    );
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

  private envelopes(request: SubjectCommandRequest, events: readonly SubjectEvent[], recordedAt: string): NewEvent[] {
    const commandId = request.commandId;
    const ids = events.map(() => this.ids.newId());
    return events.map((event, index) => ({
      id: ids[index] ?? this.ids.newId(),
      type: event.type,
      occurredAt: event.occurredAt,
      recordedAt,
      data: event.data as unknown as Record<string, unknown>,
      metadata: {
        tenantId: request.tenantId,
        subjectId: request.subjectId,
        actor: request.actor,
        correlationId: request.correlationId,
        // The first event is caused by the command; the rest (an erasure opened by the
        // last withdrawal) by the first event.
        causationId: index === 0 ? commandId : (ids[0] ?? commandId),
        idempotencyKey: request.idempotency?.key ?? null,
      },
    }));
  }
}

const isRuleRefusal = (error: LedgerError): boolean =>
  (error.status === 409 || error.status === 422) && error.code !== 'concurrent-modification';

const refusalFrom = (body: unknown): LedgerError => {
  const { code, detail, errors } = body as { code: ErrorCode; detail: string; errors: FieldError[] };
  return new LedgerError(code, detail, errors.length > 0 ? errors : undefined);
};

/**
 * The hash the next event links to: the last event's, or the genesis hash for a new stream.
 * An event written before the hash chain existed has no hash: the chain then starts afresh
 * at the genesis hash after it (`ledger verify --allow-unhashed` accepts such a prefix).
 */
const previousHashOf = (last: StoredEvent | undefined): string =>
  typeof last?.metadata.hash === 'string' ? last.metadata.hash : GENESIS_HASH;

const isSubjectEvent = (event: StoredEvent): boolean => isSubjectEventType(event.type);

const toSubjectEvent = (event: StoredEvent): SubjectEvent =>
  ({ type: event.type, occurredAt: event.occurredAt, data: event.data }) as unknown as SubjectEvent;

const created = (subjectId: string, events: readonly StoredEvent[]): CommandOutcome => ({
  status: 201,
  body: {
    subjectId,
    events: events.map((event) => ({
      id: event.id,
      type: event.type,
      streamPosition: event.streamPosition,
      globalPosition: event.globalPosition,
    })),
  },
});
