import { Readable } from 'node:stream';
import type { RawStoredEvent, StoredEvent } from '../../event-store/event-store.port.js';
import { mayHoldSealedValue } from '../../privacy/field-cipher.js';
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

/**
 * `JSON.stringify(exportedEvent(event))` for an event with no sealed value, spliced from the
 * stored JSON text instead: the store's text is what JSON.stringify made of `data` and
 * `metadata` (the port's promise), so the bytes are the same without parsing either.
 */
export const plainLine = (event: RawStoredEvent): string =>
  `{"id":${JSON.stringify(event.id)},"type":${JSON.stringify(event.type)},"streamId":${JSON.stringify(event.streamId)},` +
  `"streamPosition":${event.streamPosition},"globalPosition":${event.globalPosition},` +
  `"occurredAt":${JSON.stringify(event.occurredAt)},"recordedAt":${JSON.stringify(event.recordedAt)},` +
  `"data":${event.data},"metadata":${event.metadata}}`;

/** Opens the personal values of a batch of events (one key lookup for the whole batch). */
export type OpenBatch = (events: readonly StoredEvent[]) => Promise<StoredEvent[]>;

const parsed = (event: RawStoredEvent): StoredEvent => ({
  ...event,
  data: JSON.parse(event.data) as StoredEvent['data'],
  metadata: JSON.parse(event.metadata) as StoredEvent['metadata'],
});

/**
 * The lines of one page, as one string. Only events whose data may hold a sealed value are
 * parsed, opened (one key lookup for the page) and serialised; every other line is spliced.
 */
export const pageLines = async (page: readonly RawStoredEvent[], openBatch: OpenBatch): Promise<string> => {
  const lines = new Array<string>(page.length);
  const sealedAt: number[] = [];
  const sealed: StoredEvent[] = [];
  for (let index = 0; index < page.length; index++) {
    const event = page[index]!;
    if (mayHoldSealedValue(event.data)) {
      sealedAt.push(index);
      sealed.push(parsed(event));
    } else {
      lines[index] = plainLine(event);
    }
  }
  if (sealed.length > 0) {
    const opened = await openBatch(sealed);
    sealedAt.forEach((at, index) => {
      lines[at] = JSON.stringify(exportedEvent(sealed[index]!, opened[index]));
    });
  }
  lines.push('');
  return lines.join('\n');
};

/**
 * Streams the log as NDJSON, one chunk per page of the store. The generator is pulled only
 * as fast as the client reads (Readable's backpressure), so memory stays flat however long
 * the log is: at most a page or two is held.
 */
export const ndjsonStream = (pages: AsyncIterable<readonly RawStoredEvent[]>, openBatch: OpenBatch): Readable =>
  Readable.from(
    (async function* () {
      for await (const page of pages) yield await pageLines(page, openBatch);
    })(),
    { objectMode: false },
  );
