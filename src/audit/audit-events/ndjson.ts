import { Readable } from 'node:stream';
import type { EventMetadata, RawStoredEvent, StoredEvent } from '../../event-store/event-store.port.js';
import { isSealed, mayHoldSealedValue } from '../../privacy/field-cipher.js';
import { sealedValuesOf, type KeyRing, type SubjectRef } from '../../privacy/personal-data.js';
import { storedPersonalValues, type StoredPersonalValue } from '../../privacy/personal-fields.js';

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

/** The line's fields before `data`, as `JSON.stringify(exportedEvent(...))` writes them. */
const envelope = (event: RawStoredEvent): string =>
  `{"id":${JSON.stringify(event.id)},"type":${JSON.stringify(event.type)},"streamId":${JSON.stringify(event.streamId)},` +
  `"streamPosition":${event.streamPosition},"globalPosition":${event.globalPosition},` +
  `"occurredAt":${JSON.stringify(event.occurredAt)},"recordedAt":${JSON.stringify(event.recordedAt)},`;

/**
 * `JSON.stringify(exportedEvent(event))` for an event with no sealed value, spliced from the
 * stored JSON text instead: the store's text is what JSON.stringify made of `data` and
 * `metadata` (the port's promise), so the bytes are the same without parsing either.
 */
export const plainLine = (event: RawStoredEvent): string => `${envelope(event)}"data":${event.data},"metadata":${event.metadata}}`;

/** An event of the page that holds sealed values: its data parsed, its personal values found. */
interface SealedEvent {
  readonly at: number;
  readonly event: RawStoredEvent;
  readonly data: Readonly<Record<string, unknown>>;
  readonly values: readonly StoredPersonalValue[];
  readonly owner: SubjectRef;
}

/**
 * `JSON.stringify(exportedEvent(stored, opened))` of an event with sealed values: `data` opened
 * and serialised, `metadata` spliced as stored, the sealed values by path (sealedValuesOf).
 */
const sealedLine = ({ event, data, values, owner }: SealedEvent, ring: KeyRing): string => {
  const opened = ring.openData(owner.tenantId, owner.subjectId, event.id, data, values);
  const sealed = Object.fromEntries(values.filter(({ value }) => isSealed(value)).map(({ path, value }) => [path, value]));
  return `${envelope(event)}"data":${JSON.stringify(opened)},"metadata":${event.metadata},"sealed":${JSON.stringify(sealed)}}`;
};

/** The data keys of these subjects (one key lookup), e.g. PersonalData.keyRing with the request's memo. */
export type KeyRingFor = (subjects: readonly SubjectRef[]) => Promise<KeyRing>;

/**
 * The lines of one page. Only events whose data text may hold a sealed value are parsed;
 * those that do hold one are opened (one key lookup for the page) and serialised, every other
 * line is spliced from the stored text.
 */
export const pageLines = async (page: readonly RawStoredEvent[], keyRingFor: KeyRingFor): Promise<string[]> => {
  const lines = new Array<string>(page.length);
  const sealed: SealedEvent[] = [];
  for (let at = 0; at < page.length; at++) {
    const event = page[at]!;
    if (mayHoldSealedValue(event.data)) {
      const data = JSON.parse(event.data) as Record<string, unknown>;
      const values = storedPersonalValues(event.type, data);
      if (values.some(({ value }) => isSealed(value))) {
        const { tenantId, subjectId } = JSON.parse(event.metadata) as EventMetadata;
        sealed.push({ at, event, data, values, owner: { tenantId, subjectId } });
        continue;
      }
    }
    lines[at] = plainLine(event);
  }
  if (sealed.length > 0) {
    const ring = await keyRingFor(sealed.map(({ owner }) => owner));
    for (const one of sealed) lines[one.at] = sealedLine(one, ring);
  }
  return lines;
};

/**
 * Lines per chunk written: about 60 KB, under V8's large-object size (128 KB), so a chunk's
 * string is collected young; bigger chunks went to the large-object space and grew the heap by
 * some 200 MB over an export.
 */
const LINES_PER_CHUNK = 64;

/**
 * Streams the log as NDJSON, a page of the store at a time. The generator is pulled only as
 * fast as the client reads (Readable's backpressure), so memory stays flat however long the
 * log is: at most a page or two is held.
 */
export const ndjsonStream = (pages: AsyncIterable<readonly RawStoredEvent[]>, keyRingFor: KeyRingFor): Readable =>
  Readable.from(
    (async function* () {
      for await (const page of pages) {
        const lines = await pageLines(page, keyRingFor);
        for (let at = 0; at < lines.length; at += LINES_PER_CHUNK) {
          yield `${lines.slice(at, at + LINES_PER_CHUNK).join('\n')}\n`;
        }
      }
    })(),
    { objectMode: false },
  );
