import { Readable } from 'node:stream';
import type { StoredEvent } from '../../event-store/event-store.port.js';

/** An event as exported (api.md): a fixed key order, so exports diff and hash stably. */
export const exportedEvent = (event: StoredEvent) => ({
  id: event.id,
  type: event.type,
  streamId: event.streamId,
  streamPosition: event.streamPosition,
  globalPosition: event.globalPosition,
  occurredAt: event.occurredAt,
  recordedAt: event.recordedAt,
  data: event.data,
  metadata: event.metadata,
});

const LINES_PER_CHUNK = 256;

/**
 * Streams events as NDJSON. Lines are grouped into chunks to keep per-write overhead low,
 * and the generator is pulled only as fast as the client reads (Readable's backpressure),
 * so memory stays flat however long the log is.
 */
export const ndjsonStream = (events: AsyncIterable<StoredEvent>): Readable =>
  Readable.from(
    (async function* () {
      let chunk: string[] = [];
      for await (const event of events) {
        chunk.push(JSON.stringify(exportedEvent(event)));
        if (chunk.length >= LINES_PER_CHUNK) {
          yield `${chunk.join('\n')}\n`;
          chunk = [];
        }
      }
      if (chunk.length > 0) yield `${chunk.join('\n')}\n`;
    })(),
    { objectMode: false },
  );
