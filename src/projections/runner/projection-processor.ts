import type { StoredEvent } from '../../event-store/event-store.port.js';
import type { ReadDocument, ReadStore } from '../../read-store/read-store.port.js';
import type { Projection } from '../projection.js';
import { crashPoint } from '../../platform/crash-point.js';

/** An event that a projection's own code could not apply: retrying will not help. */
export class ProjectionEventError extends Error {
  constructor(
    readonly projection: string,
    readonly eventId: string,
    readonly globalPosition: number,
    cause: unknown,
  ) {
    super(`${projection} failed on event ${eventId} at position ${globalPosition}: ${String((cause as Error)?.message ?? cause)}`, {
      cause,
    });
    this.name = 'ProjectionEventError';
  }
}

/** The documents each event of the batch touches in this projection, in event order. */
export const documentTargets = (projection: Projection, events: readonly StoredEvent[]): { event: StoredEvent; id: string }[] => {
  const targets: { event: StoredEvent; id: string }[] = [];
  for (const event of events) {
    if (projection.handles !== 'all' && !projection.handles.includes(event.type)) continue;
    if (projection.documentIds) for (const id of projection.documentIds(event)) targets.push({ event, id });
    else {
      const id = projection.documentId(event);
      if (id !== null) targets.push({ event, id });
    }
  }
  return targets;
};

/**
 * One event folded into one document, as both the live runner and the rebuild do it: null when
 * the document already holds the event (at-least-once delivery made idempotent by `_position`)
 * or the projection ignores it; a failure of the projection's own code is a ProjectionEventError.
 */
export const evolveDocument = (
  projection: Projection,
  current: ReadDocument | null,
  event: StoredEvent,
  id: string,
): ReadDocument | null => {
  if (current && current._position >= event.globalPosition) return null;
  let next;
  try {
    next = projection.evolve(current, event, id);
  } catch (error) {
    throw new ProjectionEventError(projection.name, event.id, event.globalPosition, error);
  }
  return next === null ? null : ({ ...next, _id: id, _position: event.globalPosition } as ReadDocument);
};

/**
 * Applies a batch of events to one projection: load the documents the batch touches,
 * fold each event in order (skipping any a document already has: at-least-once delivery
 * made idempotent), write the changed documents, and only then move the checkpoint.
 * A crash between the two replays the batch, which then changes nothing.
 *
 * With `fence` (the token of the projection's lease) the checkpoint write is fenced: a
 * runner whose lease was taken over gets `LeaseLostError` and the checkpoint does not move.
 * Its document writes may still land, but they are guarded by `_position` and computed by
 * the same pure code from the same events, so they equal what the new owner writes.
 */
export const applyBatch = async (
  projection: Projection,
  store: ReadStore,
  events: readonly StoredEvent[],
  fence?: number,
): Promise<void> => {
  if (events.length === 0) return;
  const relevant = documentTargets(projection, events);
  const collection = projection.collection.name;
  const documents = await store.getMany<ReadDocument>(collection, [...new Set(relevant.map((r) => r.id))]);
  const changed = new Map<string, ReadDocument>();
  for (const { event, id } of relevant) {
    const document = evolveDocument(projection, documents.get(id) ?? null, event, id);
    if (document === null) continue;
    documents.set(id, document);
    changed.set(id, document);
  }
  await store.putMany(collection, [...changed.values()]);
  if (changed.size > 0) crashPoint('projection-after-write', projection.name);
  const last = events.at(-1);
  if (last) await store.saveCheckpoint(projection.name, last.globalPosition, fence);
};
