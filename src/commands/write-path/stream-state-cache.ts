/**
 * What the write path knows of a stream after reading or appending to it: the folded state,
 * the revision it was folded up to, the hash the next event links to, and the idempotency
 * keys its events carry.
 */
export interface StreamState<State> {
  readonly state: State;
  /** The `streamPosition` of the last event folded in; -1 for a stream with no events. */
  readonly revision: number;
  /** The hash of the last event folded in (the genesis hash for an empty stream). */
  readonly lastHash: string;
  /**
   * The `metadata.idempotencyKey` of every event up to `revision`, for the crash recovery of
   * an Idempotency-Key without a recorded answer. It may hold keys of later events too (it
   * only grows, and a key found in it is confirmed in the stream), never lack an earlier one.
   */
  readonly idempotencyKeys: Set<string>;
}

/** Told about each lookup and eviction (the `ledger_state_cache_*` counters). */
export interface StreamStateCacheEvents {
  hit?(): void;
  miss?(): void;
  evicted?(): void;
}

/**
 * A bounded, least-recently-used map from stream to its StreamState, so that a command on a
 * stream this instance has seen reads only the events appended since, not the whole stream.
 * A Map keeps insertion order, so re-inserting on every use makes its first key the least
 * recently used. An entry is only ever a shortcut: the store's expected-revision check on
 * append stays the one guard against another writer.
 */
export class StreamStateCache {
  private readonly entries = new Map<string, StreamState<unknown>>();

  constructor(
    /** Most streams kept; 0 keeps none (every command reads its whole stream). */
    readonly capacity: number,
    private readonly events: StreamStateCacheEvents = {},
  ) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) throw new RangeError(`capacity must be a whole number >= 0, got ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entry for `key`, now the most recently used; counted as a hit or a miss. */
  get<State>(key: string): StreamState<State> | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.events.miss?.();
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.events.hit?.();
    return entry as StreamState<State>;
  }

  /**
   * Keeps `entry` unless the one already kept is folded further (two commands that finished
   * out of order); evicts the least recently used entry beyond the capacity.
   */
  set<State>(key: string, entry: StreamState<State>): void {
    if (this.capacity === 0) return;
    const kept = this.entries.get(key);
    if (kept !== undefined && kept.revision > entry.revision) return;
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
      this.events.evicted?.();
    }
  }

  /**
   * Forgets `key`'s entry when it turned out stale (another writer appended first); given the
   * entry that was used, only that one, not a newer one a successful command kept meanwhile.
   */
  delete(key: string, used?: StreamState<unknown>): void {
    if (used === undefined || this.entries.get(key) === used) this.entries.delete(key);
  }
}
