/**
 * The event-store port: everything the ledger needs from an append-only log of streams.
 * Adapters (embedded SQLite, EventStoreDB) live behind it and pass the same contract
 * suite (test/contract/event-store.contract.ts). Domain code never imports an adapter.
 */

export interface EventMetadata {
  readonly tenantId: string;
  readonly subjectId: string;
  /** Who reported the fact: the calling service's name (from its key, or `X-Actor`). */
  readonly actor: string;
  readonly correlationId: string;
  /** The command id, or the id of the event that caused this one. */
  readonly causationId: string;
  readonly idempotencyKey: string | null;
  /**
   * Hash chain (src/evidence/event-hash.ts): the `hash` of the previous event of the same
   * stream (64 zero hex digits for position 0), and this event's own hash. Set by the write
   * path before the store is called; optional only because events written before the chain
   * existed (and test fixtures) have none.
   */
  readonly prevHash?: string;
  readonly hash?: string;
}

export interface NewEvent {
  readonly id: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly metadata: EventMetadata;
}

export interface StoredEvent extends NewEvent {
  readonly streamId: string;
  /** 0-based revision of the event in its stream. */
  readonly streamPosition: number;
  /** Position in the global log: grows in commit order; may have gaps (EventStoreDB). */
  readonly globalPosition: number;
}

/**
 * `no-stream`: the stream must not exist yet; `stream-exists`: it must have at least one
 * event; a number: the revision of its last event must be exactly that; `any`: no check.
 */
export type ExpectedRevision = 'no-stream' | 'stream-exists' | 'any' | number;

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  readonly nextExpectedRevision: number;
  readonly events: readonly StoredEvent[];
}

export interface ReadStreamOptions {
  /** Inclusive: only the events with `streamPosition >= fromRevision` (the tail after a known revision). */
  readonly fromRevision?: number;
}

/** The first revision `readStream` returns: 0 unless given; a bad value is a programming error. */
export const readStreamFrom = ({ fromRevision = 0 }: ReadStreamOptions): number => {
  if (!Number.isSafeInteger(fromRevision) || fromRevision < 0) {
    throw new RangeError(`fromRevision must be a non-negative integer, got ${fromRevision}`);
  }
  return fromRevision;
};

export interface ReadAllOptions {
  /** Inclusive: events with `globalPosition >= fromPosition`. */
  readonly fromPosition?: number;
  readonly limit?: number;
  readonly tenantId?: string;
  /** Only events of these tenants (an empty list: none). With `tenantId` too: both must hold. */
  readonly tenantIds?: readonly string[];
}

/**
 * A stored event with `data` and `metadata` left as JSON text, for a reader that copies events
 * out without looking inside them (the audit export splices the text into its lines).
 */
export interface RawStoredEvent {
  readonly id: string;
  readonly type: string;
  readonly streamId: string;
  readonly streamPosition: number;
  readonly globalPosition: number;
  readonly occurredAt: string;
  readonly recordedAt: string;
  /**
   * `JSON.stringify` of the event's `data`: parsing it gives what `readAll` gives, and
   * `JSON.stringify` of that gives this text back, byte for byte.
   */
  readonly data: string;
  /** `JSON.stringify` of the event's `metadata`, in the same sense. */
  readonly metadata: string;
}

/** The raw form of a parsed event (for an adapter that holds no JSON text of its own). */
export const rawStoredEvent = (event: StoredEvent): RawStoredEvent => ({
  id: event.id,
  type: event.type,
  streamId: event.streamId,
  streamPosition: event.streamPosition,
  globalPosition: event.globalPosition,
  occurredAt: event.occurredAt,
  recordedAt: event.recordedAt,
  data: JSON.stringify(event.data),
  metadata: JSON.stringify(event.metadata),
});

/** The tenants `readAll` may yield, or undefined for every tenant. */
export const readAllTenants = (options: ReadAllOptions): ReadonlySet<string> | undefined => {
  if (options.tenantIds === undefined) return options.tenantId === undefined ? undefined : new Set([options.tenantId]);
  const listed = new Set(options.tenantIds);
  if (options.tenantId === undefined) return listed;
  return listed.has(options.tenantId) ? new Set([options.tenantId]) : new Set();
};

export interface EventStore {
  /**
   * Appends atomically, checked against `expectedRevision` in the store itself.
   * Re-appending events whose ids are already stored at the end of that stream is a no-op
   * that returns the stored events, so a retried acknowledgement is never doubled.
   * @throws WrongExpectedVersionError when the stream's revision differs.
   */
  append(streamId: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult>;

  /**
   * Every event of a stream in order, or those from `fromRevision` on; a missing stream, or
   * a revision past its end, reads as empty.
   */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;

  /** The global log in order, read lazily in batches so memory stays flat. */
  readAll(options?: ReadAllOptions): AsyncIterable<StoredEvent>;

  /**
   * The same events as `readAll` with the same options, in the same order, in pages (none
   * empty) and with `data` and `metadata` as JSON text: for copying the log out at the speed
   * of the store, with no parsing and no per-event await.
   */
  readAllRaw(options?: ReadAllOptions): AsyncIterable<readonly RawStoredEvent[]>;

  /** Global position of the last committed event, or 0 for an empty log. */
  lastPosition(): Promise<number>;

  /** Called after every commit with the last committed global position. Returns an unsubscribe. */
  onAppended(listener: (lastPosition: number) => void): () => void;

  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EventStore');

export class WrongExpectedVersionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no-stream',
  ) {
    super(`Stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedVersionError';
  }
}
