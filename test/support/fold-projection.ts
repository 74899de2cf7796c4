import type { StoredEvent } from '../../src/event-store/event-store.port.js';
import type { Projection } from '../../src/projections/projection.js';
import type { ReadDocument } from '../../src/read-store/read-store.port.js';

/**
 * The document a projection holds after `events` (all for one document), stamped with
 * `_id` and `_position` as the runner stores it; null when none of them made one. A
 * projection's unit spec folds its `given` events with this, then calls `evolve` itself.
 */
export const documentAfter = <D extends ReadDocument>(projection: Projection<D>, events: readonly StoredEvent[]): D | null =>
  events.reduce<D | null>((current, event) => {
    const id = projection.documentId(event);
    if (id === null) return current;
    const next = projection.evolve(current, event);
    return next === null ? current : ({ ...next, _id: id, _position: event.globalPosition } as unknown as D);
  }, null);
