/**
 * The read-store port: a small document store that every read model is written to and
 * queried from. Adapters (embedded SQLite, MongoDB) pass one contract suite
 * (test/contract/read-store.contract.ts). No multi-document transactions and no change
 * streams are needed: every write is a guarded single-document upsert, which is what
 * makes projections idempotent (a document never goes back to an older position).
 * Leases with fencing tokens keep one active projection runner per projection across
 * instances: a checkpoint write can be fenced by the token of the projection's lease.
 */

export type Scalar = string | number | boolean | null;

/** A read-model document: `_id` is its key, `_position` the global position of the last event applied. */
export interface ReadDocument {
  readonly _id: string;
  readonly _position: number;
  readonly [field: string]: unknown;
}

/**
 * `nin` (on a scalar field): its value is none of these. A missing or null field matches
 * unless null is listed, as in MongoDB; an empty list matches every document.
 */
export type Condition =
  | { readonly eq: Scalar }
  | { readonly in: readonly Scalar[] }
  | { readonly nin: readonly Scalar[] }
  | { readonly contains: Scalar }
  | { readonly gt?: Scalar; readonly gte?: Scalar; readonly lt?: Scalar; readonly lte?: Scalar };

/** Conditions on top-level fields, all of which must hold. A bare scalar means `eq`. */
export type Where = Readonly<Record<string, Scalar | Condition>>;

export interface FindOptions {
  readonly where?: Where;
  /**
   * Sort fields, all in one direction; `_id` is always added last as the tie-breaker, so
   * the order is total and a cursor can resume after any document.
   */
  readonly orderBy?: readonly string[];
  readonly direction?: 'asc' | 'desc';
  /** The values of `[...orderBy, _id]` of the last document already seen (keyset paging). */
  readonly after?: readonly Scalar[];
  readonly limit?: number;
  readonly offset?: number;
}

/** A collection and the field lists it is queried by; adapters create these indexes at start. */
export interface CollectionSpec {
  readonly name: string;
  readonly indexes: readonly (readonly string[])[];
}

export interface ReadStore {
  /** Creates collections and indexes if missing. Idempotent. */
  prepare(collections: readonly CollectionSpec[]): Promise<void>;

  get<T extends ReadDocument>(collection: string, id: string): Promise<T | null>;

  getMany<T extends ReadDocument>(collection: string, ids: readonly string[]): Promise<Map<string, T>>;

  /**
   * Writes each document unless the stored one has a `_position` at or above its own:
   * replaying an event is then a no-op. Documents are written one by one (no
   * transaction); a crash between two leaves each either old or new, never torn.
   */
  putMany(collection: string, documents: readonly ReadDocument[]): Promise<void>;

  find<T extends ReadDocument>(collection: string, options?: FindOptions): Promise<T[]>;

  count(collection: string, where?: Where): Promise<number>;

  /** Removes every document of a collection (used by a rebuild). */
  clear(collection: string): Promise<void>;

  /**
   * Starts a bulk load (a rebuild): empties these collections and drops their secondary
   * indexes, so that documents go in without index upkeep; `finish` creates the indexes again.
   * `get`/`getMany` see what the load wrote. A load that never finishes leaves the indexes
   * missing until the next `prepare`, which every start of the ledger calls.
   */
  startBulkLoad(collections: readonly CollectionSpec[]): Promise<BulkLoad>;

  /** The projection's checkpoint: the global position of the last event fully applied, or 0. */
  getCheckpoint(projection: string): Promise<number>;

  /**
   * Moves a checkpoint forward; an older position than the stored one is ignored.
   *
   * With `fence` (the token of a lease named after the projection, see `acquireLease`) the
   * write is fenced: it happens only while the stored lease still carries that token, checked
   * and written atomically (one guarded single-document update, or one SQLite transaction).
   * A runner whose lease was taken over gets `LeaseLostError` and the checkpoint stays put.
   * Without `fence` (a rebuild, tests) the write is not fenced.
   */
  saveCheckpoint(projection: string, position: number, fence?: number): Promise<void>;

  /** Sets a checkpoint to exactly this position, backwards too (a rebuild resets it to 0). */
  resetCheckpoint(projection: string, position: number): Promise<void>;

  /**
   * Takes or renews the lease `name` for `owner` until `now + ttlMs` (times in epoch ms, as
   * seen by the caller: instances need roughly synchronised clocks, well within the ttl).
   * - free (never taken, released) or expired (`expiresAt <= now`): taken, and the fencing
   *   token goes up by one (the first token is 1);
   * - already held by `owner` (expired or not, as long as nobody took it over): renewed,
   *   same token;
   * - held by another owner and not expired: `null`.
   * Tokens never go down, so a write fenced with an older token is refused for good.
   * The lease named after a projection fences that projection's checkpoint.
   */
  acquireLease(name: string, owner: string, ttlMs: number, now?: number): Promise<Lease | null>;

  /** Gives the lease up if `owner` holds it (its token stays, so the next taker gets a higher one). */
  releaseLease(name: string, owner: string): Promise<void>;

  /** The lease as stored (held or not; a released lease has `owner` null), or null if never taken. */
  getLease(name: string): Promise<StoredLease | null>;

  close(): Promise<void>;
}

/**
 * Writes of a bulk load, unguarded (no `_position` check): the loader is the only writer of
 * collections it emptied, and knows which of its documents it wrote before.
 */
export interface BulkLoad {
  /**
   * `inserted`: documents not written yet in this load; `replaced`: documents this load wrote
   * before, replaced whole. One call is one transaction where the store has them.
   */
  write(collection: string, inserted: readonly ReadDocument[], replaced: readonly ReadDocument[]): Promise<void>;
  /** Creates the collections' secondary indexes. */
  finish(): Promise<void>;
}

/** A lease held by `owner` until `expiresAt` (epoch ms); `token` is its fencing token. */
export interface Lease {
  readonly name: string;
  readonly owner: string;
  readonly token: number;
  readonly expiresAt: number;
}

export interface StoredLease {
  readonly name: string;
  readonly owner: string | null;
  readonly token: number;
  readonly expiresAt: number;
}

/** A fenced write whose token is no longer the stored lease's: another owner took the lease over. */
export class LeaseLostError extends Error {
  constructor(
    readonly lease: string,
    readonly token: number,
  ) {
    super(`the lease ${lease} is no longer held with token ${token}`);
    this.name = 'LeaseLostError';
  }
}

export const READ_STORE = Symbol('ReadStore');
