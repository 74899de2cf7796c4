/**
 * The read-store port: a small document store that every read model is written to and
 * queried from. Adapters (embedded SQLite, MongoDB) pass one contract suite
 * (test/contract/read-store.contract.ts). No multi-document transactions and no change
 * streams are needed: every write is a guarded single-document upsert, which is what
 * makes projections idempotent (a document never goes back to an older position).
 */

export type Scalar = string | number | boolean | null;

/** A read-model document: `_id` is its key, `_position` the global position of the last event applied. */
export interface ReadDocument {
  readonly _id: string;
  readonly _position: number;
  readonly [field: string]: unknown;
}

export type Condition =
  | { readonly eq: Scalar }
  | { readonly in: readonly Scalar[] }
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

  /** The projection's checkpoint: the global position of the last event fully applied, or 0. */
  getCheckpoint(projection: string): Promise<number>;

  /** Moves a checkpoint forward; an older position than the stored one is ignored. */
  saveCheckpoint(projection: string, position: number): Promise<void>;

  /** Sets a checkpoint to exactly this position, backwards too (a rebuild resets it to 0). */
  resetCheckpoint(projection: string, position: number): Promise<void>;

  close(): Promise<void>;
}

export const READ_STORE = Symbol('ReadStore');
