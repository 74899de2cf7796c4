import { describe, expect, it } from '@jest/globals';
import { aGlobalLog, aSubjectStream } from '../../../test/support/stored-events.js';
import { keyRingOf, sealedWith } from '../../../test/support/sealed-events.js';
import { rawStoredEvent, type RawStoredEvent, type StoredEvent } from '../../event-store/event-store.port.js';
import { SEALED_PREFIX, newDataKey } from '../../privacy/field-cipher.js';
import type { SubjectRef } from '../../privacy/personal-data.js';
import { exportedEvent, ndjsonStream, type KeyRingFor } from './ndjson.js';

const readText = async (stream: NodeJS.ReadableStream): Promise<string> => {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
};

const read = async (stream: NodeJS.ReadableStream): Promise<any[]> =>
  (await readText(stream))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));

async function* pagesOf(events: readonly StoredEvent[], size: number): AsyncGenerator<readonly RawStoredEvent[]> {
  for (let at = 0; at < events.length; at += size) yield events.slice(at, at + size).map(rawStoredEvent);
}

const noKeys: KeyRingFor = async () => keyRingOf([]);

describe('the NDJSON audit stream', () => {
  it('opens the sealed events of each page with one call and shows the stored form in sealed', async () => {
    const log = aGlobalLog();
    const key = newDataKey();
    const subjects = [aSubjectStream({ log }), aSubjectStream({ log })];
    // Every fourth event holds a sealed reference, the others none.
    const events = Array.from({ length: 600 }, (_, i) =>
      i % 4 === 0
        ? sealedWith(key, subjects[i % 2]!.dataTransferred({ reference: `ref-${i}` }))
        : subjects[i % 2]!.dataTransferred({ reference: undefined }),
    );
    const lookups: number[] = [];
    const ring: KeyRingFor = async (owners) => {
      lookups.push(owners.length);
      return keyRingOf(subjects.map(({ tenantId, subjectId }) => [tenantId, subjectId, key] as const));
    };

    const exported = await read(ndjsonStream(pagesOf(events, 256), ring));

    expect(lookups).toEqual([64, 64, 22]);
    expect(exported.map((event) => event.globalPosition)).toEqual(events.map((event) => event.globalPosition));
    expect(exported[8].data.reference).toBe('ref-8');
    expect(exported[8].sealed).toEqual({ reference: events[8]!.data['reference'] });
    expect(Object.keys(exported[8])).toEqual([
      'id',
      'type',
      'streamId',
      'streamPosition',
      'globalPosition',
      'occurredAt',
      'recordedAt',
      'data',
      'metadata',
      'sealed',
    ]);
    expect(exported[9].sealed).toBeUndefined();
  });

  it('writes an event without sealed values as JSON.stringify would, without opening it', async () => {
    const stream = aSubjectStream();
    const events = [
      stream.consentGiven(),
      stream.otherEvent('odd-event', { '2': 'two', text: 'quote " backslash \\ \u0001 é 😀 \u2028', nested: { b: [1.5, -0, 1e21] } }),
    ];
    const looked: SubjectRef[] = [];
    const text = await readText(
      ndjsonStream(pagesOf(events, 10), async (owners) => {
        looked.push(...owners);
        return keyRingOf([]);
      }),
    );
    expect(text).toBe(events.map((event) => `${JSON.stringify(exportedEvent(event))}\n`).join(''));
    expect(looked).toEqual([]);
  });

  it('writes an event whose text merely mentions the sealed prefix as before', async () => {
    const event = aSubjectStream().otherEvent('note-taken', { note: `${SEALED_PREFIX}not really sealed` });
    const text = await readText(ndjsonStream(pagesOf([event], 10), noKeys));
    expect(text).toBe(`${JSON.stringify(exportedEvent(event))}\n`);
  });

  it('writes nothing for an empty log', async () => {
    expect(await readText(ndjsonStream(pagesOf([], 10), noKeys))).toBe('');
  });
});
