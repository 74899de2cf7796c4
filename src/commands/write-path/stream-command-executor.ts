import { Inject, Injectable, Optional } from '@nestjs/common';
import { LedgerError, type ErrorCode, type FieldError } from '../../domain/ledger-error.js';
import {
  EVENT_STORE,
  WrongExpectedVersionError,
  type EventStore,
  type NewEvent,
  type StoredEvent,
} from '../../event-store/event-store.port.js';
import { GENESIS_HASH, chainEvents } from '../../evidence/event-hash.js';
import { IDEMPOTENCY_STORE, type IdempotencyStore } from '../../idempotency/idempotency-store.port.js';
import { LedgerMetrics } from '../../observability/metrics/ledger-metrics.js';
import { CLOCK, type Clock } from '../../platform/clock.js';
import { ATTRIBUTES, SPANS, inSpan } from '../../platform/tracing.js';
import type { IdempotencyClaim } from '../request-context/command-context.js';
import type { CommandBody, CommandOutcome, WrittenEvent } from './command-outcome.js';
import { KeyedMutex } from './keyed-mutex.js';
import type { StreamFold } from './stream-fold.js';
import { StreamStateCache, type StreamState } from './stream-state-cache.js';

/** Conflicts are retried on fresh state this many times before answering 409. */
export const MAX_CONFLICT_ATTEMPTS = 5;

/** One command against one stream, as the write path needs it. */
export interface StreamWrite<Body extends CommandBody, State> {
  /** Idempotency keys are scoped per tenant. */
  readonly tenantId: string;
  /** The stream the decision is about and the events go to: the consistency boundary. */
  readonly streamId: string;
  /** How the 409 after repeated conflicts names the stream, e.g. "The subject". */
  readonly streamName: string;
  readonly idempotency: IdempotencyClaim | undefined;
  /** How the stream's events become the state `decide` gets. */
  readonly fold: StreamFold<State>;
  /**
   * Decides on the stream's folded state and returns the events to append (metadata
   * without hashes), or none when the command changes nothing. Called again on fresh state
   * after a version conflict, so it must have no effects and must not change `state` (a
   * kept state is shared by the commands on its stream); it may read other streams (which
   * are then not part of the consistency boundary).
   */
  decide(state: State, recordedAt: string): Promise<readonly NewEvent[]> | readonly NewEvent[];
  /**
   * The answer body around the events written (none for a 200); list them with
   * `writtenEvent`. The stored events are given so an answer can carry an id a decision
   * created (e.g. a grievance's), also when it is rebuilt from the stream after a crash.
   */
  answer(events: readonly StoredEvent[]): Body;
  /**
   * Runs just before the append with the events about to be written (e.g. to mark a key
   * that the append makes due for destruction, so a crash after the append is recoverable).
   */
  beforeAppend?(events: readonly NewEvent[]): Promise<void>;
  /** Runs after a successful append; must not throw (the events are committed, the answer is 201). */
  afterAppend?(events: readonly StoredEvent[]): Promise<void>;
}

/**
 * The one write path of the ledger, for any stream and decider: load the stream, fold it,
 * decide, chain the new events' hashes, append with the expected revision, and on a version
 * conflict do it all again (deciding is pure, so re-running it is safe). An Idempotency-Key
 * makes a retry get the first answer again.
 *
 * Loading goes through the StreamStateCache: a stream seen before is brought up to date by
 * reading only the events after its kept revision (usually none), so no-ops and refusals are
 * decided on the stream as it is now, and the append's expected revision catches a writer
 * that slips in after that read. On a conflict the entry is dropped and the next attempt
 * reads the whole stream.
 */
@Injectable()
export class StreamCommandExecutor {
  /** Shared by every command kind: the key space is per tenant, whatever the route. */
  private readonly idempotencyLocks = new KeyedMutex();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IDEMPOTENCY_STORE) private readonly idempotencyStore: IdempotencyStore,
    @Inject(CLOCK) private readonly clock: Clock,
    // Counts the events appended; absent when the executor is made by hand (tests).
    @Optional() private readonly metrics?: LedgerMetrics,
    // Provided by the commands module, sized by LEDGER_STATE_CACHE_SUBJECTS.
    @Optional() private readonly cache: StreamStateCache = new StreamStateCache(DEFAULT_STATE_CACHE_STREAMS),
  ) {}

  async execute<Body extends CommandBody, State>(write: StreamWrite<Body, State>): Promise<CommandOutcome<Body>> {
    const idempotency = write.idempotency;
    if (!idempotency) return this.decideAndAppend(write);
    return this.idempotencyLocks.run(`${write.tenantId}\u0000${idempotency.key}`, async () => {
      const previous = await this.idempotencyStore.find(write.tenantId, idempotency.key);
      if (previous) {
        if (previous.fingerprint !== idempotency.fingerprint) {
          throw new LedgerError(
            'idempotency-key-reused',
            'This Idempotency-Key was already used for a different request; use a new key for a new request.',
          );
        }
        if (previous.status >= 400) throw refusalFrom(previous.body);
        return { status: previous.status, body: previous.body } as CommandOutcome<Body>;
      }
      const remember = (status: number, body: unknown) =>
        this.idempotencyStore.save({
          tenantId: write.tenantId,
          key: idempotency.key,
          fingerprint: idempotency.fingerprint,
          status,
          body,
          createdAt: this.clock.now().toISOString(),
        });
      try {
        const outcome = await this.decideAndAppend(write);
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

  private async decideAndAppend<Body extends CommandBody, State>(write: StreamWrite<Body, State>): Promise<CommandOutcome<Body>> {
    const { streamId, fold } = write;
    const cacheKey = `${fold.name}\u0000${streamId}`;
    const tenantId = write.tenantId;
    const kind = streamKindOf(streamId);
    for (let attempt = 1; attempt <= MAX_CONFLICT_ATTEMPTS; attempt++) {
      const known = await this.load(cacheKey, streamId, fold);
      // The events were appended but the answer was never recorded (a crash in between):
      // the stream itself remembers the key, so the retry still gets the first answer.
      // Rare, so the stream is read whole only when its keys name this one.
      const key = write.idempotency?.key;
      if (key !== undefined && known.idempotencyKeys.has(key)) {
        const earlier = (await this.store.readStream(streamId)).filter((event) => event.metadata.idempotencyKey === key);
        if (earlier.length > 0) return { status: 201, body: write.answer(earlier) };
      }

      const decided = await inSpan(
        SPANS.decide,
        // Attribute objects are written out whole: spreading one into another was 2-3 µs here.
        { [ATTRIBUTES.tenantId]: tenantId, [ATTRIBUTES.streamKind]: kind, [ATTRIBUTES.attempt]: attempt },
        async (span) => {
          const events = await write.decide(known.state, this.clock.now().toISOString());
          span.setAttribute(ATTRIBUTES.eventCount, events.length);
          return events;
        },
      );
      if (decided.length === 0) return { status: 200, body: write.answer([]) };

      // The stream positions are known here because the append is checked against exactly
      // this revision: if another writer got there first the append fails, and the next
      // attempt chains again from the fresh stream. Chaining is the last step before the
      // store, so anything that transforms the stored form (e.g. encryption) must go before it.
      const chained = chainEvents(streamId, known.lastHash, known.revision + 1, decided);
      await write.beforeAppend?.(chained);
      const result = await inSpan(
        SPANS.append,
        {
          [ATTRIBUTES.tenantId]: tenantId,
          [ATTRIBUTES.streamKind]: kind,
          [ATTRIBUTES.attempt]: attempt,
          [ATTRIBUTES.expectedRevision]: known.revision,
          [ATTRIBUTES.eventCount]: chained.length,
        },
        async (span) => {
          // Only a recording span (an SDK is loaded) is worth the list.
          if (span.isRecording()) span.setAttribute(ATTRIBUTES.eventTypes, [...new Set(chained.map((event) => event.type))]);
          try {
            const appended = await this.store.append(streamId, chained, known.revision < 0 ? 'no-stream' : known.revision);
            span.setAttributes({
              [ATTRIBUTES.firstPosition]: appended.events[0]?.globalPosition ?? -1,
              [ATTRIBUTES.lastPosition]: appended.events.at(-1)?.globalPosition ?? -1,
            });
            return appended;
          } catch (error) {
            if (!(error instanceof WrongExpectedVersionError)) throw error;
            span.setAttribute(ATTRIBUTES.conflict, true);
            return undefined;
          }
        },
      );
      if (result === undefined) {
        this.metrics?.appendConflict();
        this.cache.delete(cacheKey, known);
        continue;
      }
      this.cache.set(cacheKey, advance(known, fold, result.events));
      this.metrics?.eventsAppended(result.events);
      await write.afterAppend?.(result.events);
      return { status: 201, body: write.answer(result.events) };
    }
    throw new LedgerError(
      'concurrent-modification',
      `${write.streamName} changed ${MAX_CONFLICT_ATTEMPTS} times while this command was decided; retry it.`,
    );
  }

  /**
   * The stream's state as it is now: the kept state brought up to date with the events
   * appended since (by anyone), or, without one, the whole stream folded. Kept for the next
   * command either way, unless the stream is empty.
   */
  private async load<State>(cacheKey: string, streamId: string, fold: StreamFold<State>): Promise<StreamState<State>> {
    const kept = this.cache.get<State>(cacheKey);
    if (kept !== undefined) {
      const since = await this.store.readStream(streamId, { fromRevision: kept.revision + 1 });
      if (since.length === 0) return kept;
      // Streams only grow, so the tail starts right after the kept revision; if it does not,
      // the kept state is no prefix of this stream and is not used.
      if (since[0]?.streamPosition === kept.revision + 1) {
        const known = advance(kept, fold, since);
        this.cache.set(cacheKey, known);
        return known;
      }
      this.cache.delete(cacheKey, kept);
    }
    const known = advance(emptyStream(fold), fold, await this.store.readStream(streamId));
    // An empty stream costs no more to read again than its tail: keeping it would only let
    // commands refused on unknown subjects push out the states worth keeping.
    if (known.revision >= 0) this.cache.set(cacheKey, known);
    return known;
  }
}

/** Default of LEDGER_STATE_CACHE_SUBJECTS, and the size of an executor made by hand. */
export const DEFAULT_STATE_CACHE_STREAMS = 10_000;

const emptyStream = <State>(fold: StreamFold<State>): StreamState<State> => ({
  state: fold.initial,
  revision: -1,
  lastHash: GENESIS_HASH,
  idempotencyKeys: new Set(),
});

/**
 * The state after `events`, the next events of the stream. The key set is shared and grows
 * in place (see StreamState), so an append costs the new events only, however long the stream.
 */
const advance = <State>(known: StreamState<State>, fold: StreamFold<State>, events: readonly StoredEvent[]): StreamState<State> => {
  const last = events.at(-1);
  if (last === undefined) return known;
  for (const event of events) {
    if (event.metadata.idempotencyKey !== null && event.metadata.idempotencyKey !== undefined) {
      known.idempotencyKeys.add(event.metadata.idempotencyKey);
    }
  }
  return {
    state: fold.evolve(known.state, events),
    revision: last.streamPosition,
    lastHash: previousHashOf(last),
    idempotencyKeys: known.idempotencyKeys,
  };
};

/**
 * A stream id's category (`subject`, `policy`, …: src/domain/stream-id.ts), the part before its
 * first '-'; the rest names a tenant and often a subject, which no span may carry.
 */
const streamKindOf = (streamId: string): string => {
  const dash = streamId.indexOf('-');
  return dash > 0 ? streamId.slice(0, dash) : 'other';
};

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
const previousHashOf = (last: StoredEvent): string => (typeof last.metadata.hash === 'string' ? last.metadata.hash : GENESIS_HASH);

export const writtenEvent = (event: StoredEvent): WrittenEvent => ({
  id: event.id,
  type: event.type,
  streamPosition: event.streamPosition,
  globalPosition: event.globalPosition,
});
