import { unknownSubject } from '../domain/ledger-error.js';
import { subjectStreamId } from '../domain/stream-id.js';
import type { EventStore, StoredEvent } from './event-store.port.js';

/** A subject's own events, for reads that answer from the source of truth; 404 when it has none. */
export const readKnownSubject = async (store: EventStore, tenantId: string, subjectId: string): Promise<StoredEvent[]> => {
  const stream = await store.readStream(subjectStreamId(tenantId, subjectId));
  if (stream.length === 0) throw unknownSubject();
  return stream;
};
