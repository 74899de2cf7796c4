import { Readable } from 'node:stream';
import type { StoredEvent } from '../../event-store/event-store.port.js';
import { sealedValuesOf } from '../../privacy/personal-data.js';

/**
 * An event as exported (api.md): a fixed key order, so exports diff and hash stably. `data`
 * is shown opened (`opened`: personal values in clear, or "[erased]" after shredding); the
 * stored sealed values follow in `sealed` (path → sealed value), so an auditor can put them
 * back into `data` and recompute the hash, which covers the stored bytes.
 */
export const exportedEvent = (stored: StoredEvent, opened: StoredEvent = stored) => {
  const sealed = sealedValuesOf(stored);
  return {
    id: stored.id,
    type: stored.type,
    streamId: stored.streamId,
    streamPosition: stored.streamPosition,
    globalPosition: stored.globalPosition,
    occurredAt: stored.occurredAt,
    recordedAt: stored.recordedAt,
    data: opened.data,
    metadata: stored.metadata,
    ...(sealed !== undefined && { sealed }),
  };
};

/** Opens the personal values of a batch of events (one key lookup for the whole batch). */
export type OpenBatch = (events: readonly StoredEvent[]) => Promise<StoredEvent[]>;

const LINES_PER_CHUNK = 256;

/**
 * Streams events as NDJSON. Events are taken in batches of 256: each batch's personal values
 * are opened with one key lookup and written as one chunk, keeping per-write overhead low.
 * The generator is pulled only as fast as the client reads (Readable's backpressure), so
 * memory stays flat however long the log is.
 */
export const ndjsonStream = (events: AsyncIterable<StoredEvent>, openBatch: OpenBatch): Readable =>
  Readable.from(
    (async function* () {
      let batch: StoredEvent[] = [];
      const lines = async (stored: StoredEvent[]): Promise<string> => {
        const opened = await openBatch(stored);
        return `${stored.map((event, index) => JSON.stringify(exportedEvent(event, opened[index]))).join('\n')}\n`;
      };
      for await (const event of events) {
        batch.push(event);
        if (batch.length >= LINES_PER_CHUNK) {
          yield await lines(batch);
          batch = [];
        }
      }
      if (batch.length > 0) yield await lines(batch);
    })(),
    { objectMode: false },
  );
