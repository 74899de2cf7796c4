import {
  ANY,
  BACKWARDS,
  CancelledError,
  DeadlineExceededError,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError as EsdbWrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type Position,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { v5 as uuidv5, validate as isUuid } from 'uuid';
import {
  WrongExpectedVersionError,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type RawStoredEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  rawStoredEvent,
  readAllTenants,
  readStreamFrom,
} from '../event-store.port.js';
import { StoreUnavailableError } from '../../platform/store-errors.js';

export interface EventStoreDbOptions {
  /** Batch size of `readAll` pages. */
  readonly readBatchSize?: number;
  /** Upper bound on one append, including the read-back of positions (ms). */
  readonly appendTimeoutMs?: number;
  /** Told about subscription drops (they are retried); defaults to silence. */
  readonly onSubscriptionError?: (error: unknown) => void;
}

/** What this adapter stores as the EventStoreDB event's (JSON) metadata. */
interface StoredMetadata {
  readonly eventId: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly metadata: EventMetadata;
  readonly $correlationId: string;
  readonly $causationId: string;
}

/** Namespace for deriving a deterministic UUID from a port event id that is not a UUID. */
const ID_NAMESPACE = '0b7f6a2e-6a55-4b8e-9b1e-3f7c2d1e5a90';
const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5000;

/**
 * The EventStoreDB adapter (client 6.2.1). One client per instance; the app opens one per process.
 *
 * Global positions: `globalPosition` is EventStoreDB's commit position as a JS number. For events
 * appended outside (legacy TCP) explicit transactions, commit == prepare, so the commit position
 * alone identifies an event and `{ commit: n, prepare: n }` addresses it again. Positions are
 * byte offsets in the transaction log, so they grow with gaps; they stay below 2^53 (8 PiB of log)
 * far beyond any realistic log, and a position that is not a safe integer throws rather than
 * silently losing precision.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly listeners = new Set<(lastPosition: number) => void>();
  private readonly batchSize: number;
  private readonly appendTimeoutMs: number;
  private closed = false;
  /** Bumped to stop the current subscription loop. */
  private generation = 0;
  private subscription: { unsubscribe(): Promise<void>; destroy(): void } | null = null;
  /** Last position delivered by the subscription: resubscriptions start (exclusively) there. */
  private lastSeen: Position | null = null;
  /** Highest position ever announced to listeners: notifications never go backwards. */
  private lastNotified = -1;
  private liveWaiters: Array<() => void> = [];
  private live = false;

  constructor(
    connectionString: string,
    private readonly options: EventStoreDbOptions = {},
  ) {
    this.client = EventStoreDBClient.connectionString(connectionString);
    this.batchSize = options.readBatchSize ?? 500;
    this.appendTimeoutMs = options.appendTimeoutMs ?? 15_000;
  }

  async append(streamId: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    if (typeof expectedRevision === 'number' && (!Number.isSafeInteger(expectedRevision) || expectedRevision < 0)) {
      throw new RangeError(`expected revision must be a non-negative integer, got ${expectedRevision}`);
    }
    this.assertOpen();
    const work = async (): Promise<AppendResult> => {
      const result = await this.client.appendToStream(streamId, events.map(toEsdbEvent), {
        expectedRevision: toEsdbExpected(expectedRevision),
      });
      const last = Number(result.nextExpectedRevision);
      const stored = await this.readBack(streamId, events, last);
      return { nextExpectedRevision: stored.at(-1)?.streamPosition ?? last, events: stored };
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StoreUnavailableError(`EventStoreDB did not answer an append within ${this.appendTimeoutMs} ms`)),
        this.appendTimeoutMs,
      );
    });
    try {
      const result = await Promise.race([work(), timeout]);
      const lastPosition = result.events.at(-1)?.globalPosition;
      if (lastPosition !== undefined) this.notify(lastPosition); // immediate wake-up for this process
      return result;
    } catch (error) {
      throw translate(error, streamId, expectedRevision);
    } finally {
      clearTimeout(timer);
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const from = readStreamFrom(options);
    this.assertOpen();
    const events: StoredEvent[] = [];
    try {
      const fromRevision = from === 0 ? START : BigInt(from);
      for await (const resolved of this.client.readStream(streamId, { direction: FORWARDS, fromRevision })) {
        const event = toStoredEvent(resolved);
        if (event) events.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw translate(error, streamId);
    }
    return events;
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<StoredEvent> {
    this.assertOpen();
    const from = options.fromPosition ?? 0;
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    if (remaining <= 0) return;
    const tenants = readAllTenants(options);
    if (tenants?.size === 0) return;
    let cursor: Position | typeof START = from <= 0 ? START : { commit: BigInt(from), prepare: BigInt(from) };
    /** Position of the last event read (system or not): the next page starts there, inclusively. */
    let lastRead = -1;
    let first = true;
    for (;;) {
      let page: AllStreamResolvedEvent[];
      try {
        page = await this.readAllPage(cursor, FORWARDS, this.batchSize);
      } catch (error) {
        // A position that is not an event's exact position: some servers refuse to seek there.
        // Find the first event at or after it, and read from that exact position instead.
        if (!first || cursor === START || isTransient(error)) throw translate(error);
        const exact = await this.firstPositionAtOrAfter(from).catch((scanError: unknown) => {
          throw translate(scanError);
        });
        if (exact === null) return;
        cursor = { commit: BigInt(exact), prepare: BigInt(exact) };
        first = false;
        continue;
      }
      first = false;
      for (const resolved of page) {
        if (!resolved.event) continue;
        const position = positionOf(resolved.event.position);
        // Skip what an inclusive page start repeats, and anything below `from` (a lenient
        // server may start at an earlier record when `from` is not an exact position).
        if (position <= lastRead || position < from) continue;
        lastRead = position;
        if (resolved.event.type.startsWith('$')) continue;
        const event = toStoredEvent(resolved);
        if (!event) continue;
        if (tenants !== undefined && !tenants.has(event.metadata.tenantId)) continue;
        yield event;
        if (--remaining <= 0) return;
      }
      if (page.length < this.batchSize) return;
      const tail = page.at(-1)?.event?.position;
      if (!tail) return;
      cursor = tail;
    }
  }

  /**
   * The client hands events over already parsed, so this serialises them again: the same
   * lines as the embedded store's, with none of its speed.
   */
  async *readAllRaw(options: ReadAllOptions = {}): AsyncIterable<readonly RawStoredEvent[]> {
    let page: RawStoredEvent[] = [];
    for await (const event of this.readAll(options)) {
      page.push(rawStoredEvent(event));
      if (page.length >= this.batchSize) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }

  async lastPosition(): Promise<number> {
    this.assertOpen();
    let cursor: Position | typeof END = END;
    const pageSize = 32;
    try {
      for (;;) {
        const page = await this.readAllPage(cursor, BACKWARDS, pageSize);
        for (const resolved of page) {
          if (resolved.event && !resolved.event.type.startsWith('$')) return positionOf(resolved.event.position);
        }
        if (page.length < pageSize) return 0;
        const tail = page.at(-1)?.event?.position;
        if (!tail) return 0;
        cursor = tail; // backwards from a position gives the events before it
      }
    } catch (error) {
      throw translate(error);
    }
  }

  onAppended(listener: (lastPosition: number) => void): () => void {
    this.assertOpen();
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.startSubscription();
    return () => {
      if (!this.listeners.delete(listener)) return;
      if (this.listeners.size === 0) this.stopSubscription();
    };
  }

  /** Resolves once the `$all` subscription behind `onAppended` is confirmed by the server (for tests and health checks). */
  async waitUntilLive(timeoutMs = 5000): Promise<void> {
    if (this.live) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('subscription not live in time')), timeoutMs);
      this.liveWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.stopSubscription();
    await this.client.dispose();
  }

  // ------------------------------------------------------------------ internals

  private async readAllPage(fromPosition: Position | 'start' | 'end', direction: 'forwards' | 'backwards', maxCount: number) {
    const page: AllStreamResolvedEvent[] = [];
    for await (const resolved of this.client.readAll({ fromPosition, direction, maxCount })) page.push(resolved);
    return page;
  }

  /** Backward scan from the end for the smallest event position >= `from`; null if there is none. */
  private async firstPositionAtOrAfter(from: number): Promise<number | null> {
    let cursor: Position | typeof END = END;
    let best: number | null = null;
    for (;;) {
      const page = await this.readAllPage(cursor, BACKWARDS, this.batchSize);
      for (const resolved of page) {
        if (!resolved.event) continue;
        const position = positionOf(resolved.event.position);
        if (position < from) return best;
        if (best === null || position < best) best = position;
      }
      const tail = page.at(-1)?.event?.position;
      if (page.length < this.batchSize || !tail) return best;
      cursor = tail;
    }
  }

  /** Reads back the appended (or, for an idempotent retry, the previously stored) events to learn their positions. */
  private async readBack(streamId: string, events: readonly NewEvent[], lastRevision: number): Promise<StoredEvent[]> {
    const firstRevision = lastRevision - events.length + 1;
    const wanted = events.map((e) => e.id);
    const range: StoredEvent[] = [];
    if (firstRevision >= 0) {
      for await (const resolved of this.client.readStream(streamId, {
        fromRevision: BigInt(firstRevision),
        maxCount: events.length,
        direction: FORWARDS,
      })) {
        const event = toStoredEvent(resolved);
        if (event) range.push(event);
      }
      if (range.length === wanted.length && range.every((e, i) => e.id === wanted[i])) return range;
    }
    // The server reported another revision (e.g. an idempotent retry): find the ids in the stream.
    const all = await this.readStream(streamId);
    const start = all.findIndex((e) => e.id === wanted[0]);
    const found = start < 0 ? [] : all.slice(start, start + wanted.length);
    if (found.length !== wanted.length || !found.every((e, i) => e.id === wanted[i])) {
      throw new Error(`EventStoreDB acknowledged an append to ${streamId} whose events cannot be read back`);
    }
    return found;
  }

  private notify(position: number): void {
    if (position <= this.lastNotified) return;
    this.lastNotified = position;
    for (const listener of [...this.listeners]) {
      try {
        listener(position);
      } catch {
        // a listener's failure is its own business; the others still get woken
      }
    }
  }

  private startSubscription(): void {
    const generation = ++this.generation;
    void this.subscriptionLoop(generation);
  }

  private stopSubscription(): void {
    this.generation++;
    this.live = false;
    const subscription = this.subscription;
    this.subscription = null;
    if (subscription) {
      void subscription
        .unsubscribe()
        .catch(() => undefined)
        .finally(() => subscription.destroy());
    }
  }

  private async subscriptionLoop(generation: number): Promise<void> {
    let backoff = MIN_BACKOFF_MS;
    const current = (): boolean => generation === this.generation && !this.closed;
    while (current()) {
      const subscription = this.client.subscribeToAll({
        fromPosition: this.lastSeen ?? END,
        filter: excludeSystemEvents(),
      });
      this.subscription = subscription;
      subscription.on('confirmation', () => {
        if (!current()) return;
        this.live = true;
        backoff = MIN_BACKOFF_MS;
        const waiters = this.liveWaiters;
        this.liveWaiters = [];
        for (const wake of waiters) wake();
      });
      try {
        for await (const resolved of subscription) {
          if (!current()) break;
          const position = resolved.event?.position;
          if (!position) continue;
          this.lastSeen = position;
          if (!resolved.event?.type.startsWith('$')) this.notify(positionOf(position));
        }
      } catch (error) {
        if (current()) this.options.onSubscriptionError?.(error);
        // Transient drops (CancelledError, UnavailableError, gRPC code 14) are the expected case;
        // anything else is retried the same way, since this is only a wake-up signal.
      }
      this.live = false;
      if (!current()) break;
      if (this.subscription === subscription) this.subscription = null;
      subscription.destroy();
      await sleep(backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('the EventStoreDB event store is closed');
  }
}

/** Opens the EventStoreDB adapter, e.g. `esdb://localhost:2113?tls=false`. */
export const openEventStoreDb = async (connectionString: string, options: EventStoreDbOptions = {}): Promise<EventStoreDbEventStore> =>
  new EventStoreDbEventStore(connectionString, options);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const toEsdbExpected = (expected: ExpectedRevision): AppendExpectedRevision => {
  switch (expected) {
    case 'no-stream':
      return NO_STREAM;
    case 'stream-exists':
      return STREAM_EXISTS;
    case 'any':
      return ANY;
    default:
      return BigInt(expected);
  }
};

/** EventStoreDB ids must be UUIDs: other port ids map to a deterministic UUIDv5, so retries still de-duplicate. */
const esdbIdOf = (id: string): string => (isUuid(id) ? id.toLowerCase() : uuidv5(id, ID_NAMESPACE));

const toEsdbEvent = (event: NewEvent) => {
  const metadata: StoredMetadata = {
    eventId: event.id,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    metadata: event.metadata,
    $correlationId: event.metadata.correlationId,
    $causationId: event.metadata.causationId,
  };
  return jsonEvent({
    id: esdbIdOf(event.id),
    type: event.type,
    data: event.data as Record<string, never>,
    metadata,
  });
};

/** Converts an EventStoreDB commit position to the port's number, refusing precision loss. */
const positionOf = (position: Position | undefined): number => {
  if (!position) throw new Error('EventStoreDB event without a position');
  const value = Number(position.commit);
  if (!Number.isSafeInteger(value)) throw new RangeError(`EventStoreDB position ${position.commit} is not a safe integer`);
  return value;
};

const toStoredEvent = (resolved: ResolvedEvent): StoredEvent | null => {
  const event = resolved.event;
  if (!event || !event.isJson) return null;
  const stored = (event.metadata ?? {}) as Partial<StoredMetadata>;
  const created = event.created instanceof Date ? event.created.toISOString() : new Date(0).toISOString();
  return {
    id: stored.eventId ?? event.id,
    type: event.type,
    occurredAt: stored.occurredAt ?? created,
    recordedAt: stored.recordedAt ?? created,
    data: (event.data ?? {}) as Record<string, unknown>,
    metadata: (stored.metadata ?? {}) as EventMetadata,
    streamId: event.streamId,
    streamPosition: Number(event.revision),
    globalPosition: positionOf(event.position),
  };
};

const isTransient = (error: unknown): boolean =>
  error instanceof UnavailableError ||
  error instanceof CancelledError ||
  error instanceof DeadlineExceededError ||
  (typeof error === 'object' && error !== null && ((error as { code?: unknown }).code === 14 || (error as { code?: unknown }).code === 4));

const translate = (error: unknown, streamId?: string, expected?: ExpectedRevision): unknown => {
  if (error instanceof WrongExpectedVersionError || error instanceof StoreUnavailableError) return error;
  if (error instanceof EsdbWrongExpectedVersionError) {
    const actual = error.actualVersion;
    return new WrongExpectedVersionError(
      streamId ?? error.streamName,
      expected ?? 'any',
      typeof actual === 'bigint' ? Number(actual) : 'no-stream',
    );
  }
  if (isTransient(error)) {
    return new StoreUnavailableError(`EventStoreDB is unavailable: ${(error as Error).message}`, { cause: error });
  }
  return error;
};
