import type { StoredEvent } from '../event-store/event-store.port.js';
import type { CollectionSpec, ReadDocument } from '../read-store/read-store.port.js';

/**
 * A document as a projection computes it; the runner adds `_id` and `_position`. (Built
 * by key remapping rather than `Omit`, which would lose the named fields to the index
 * signature of ReadDocument.)
 */
export type DocumentBody<D extends ReadDocument> = {
  readonly [K in keyof D as string extends K ? never : K extends '_id' | '_position' ? never : K]: D[K];
};

/**
 * A read model, declared as data: which events it handles, which document each one
 * touches, and a pure `evolve` from the current document to the next. The runner owns
 * every effect (reads, writes, checkpoints), so replaying a projection has no side effects.
 */
export interface Projection<D extends ReadDocument = ReadDocument> {
  readonly name: string;
  readonly collection: CollectionSpec;
  /** Event types it applies, or 'all' (the Merkle log covers every event of the log). */
  readonly handles: readonly string[] | 'all';
  /** The key of the document this event changes, or null when it changes none. */
  documentId(event: StoredEvent): string | null;
  /**
   * For a projection whose events may change several documents (a consent to three
   * purposes: three grant documents): their keys, used by the runner instead of `documentId`.
   */
  documentIds?(event: StoredEvent): readonly string[];
  /**
   * Pure: the next document (null keeps the current one as it is). The runner passes the
   * key of the document being evolved, which tells a `documentIds` projection which one.
   */
  evolve(current: D | null, event: StoredEvent, id?: string): DocumentBody<D> | null;
}

/**
 * Every projection the runner keeps up to date. The features own their projections; the
 * composition root (src/app.projections.ts) lists them, and ProjectionsModule.forRoot hands
 * the list to the runner.
 */
export const PROJECTION_LIST = Symbol('ProjectionList');
