import { describe, expect, it } from '@jest/globals';
import { aGlobalLog, aSubjectStream } from '../../../test/support/stored-events.js';
import { sealedWith } from '../../../test/support/sealed-events.js';
import type { StoredEvent } from '../../event-store/event-store.port.js';
import { newDataKey } from '../../privacy/field-cipher.js';
import { ndjsonStream } from './ndjson.js';

const read = async (stream: NodeJS.ReadableStream): Promise<any[]> => {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
};

async function* iterate(events: readonly StoredEvent[]) {
  yield* events;
}

describe('the NDJSON audit stream', () => {
  it('opens personal values batch by batch (one call per 256 events) and shows the stored form in sealed', async () => {
    const log = aGlobalLog();
    const key = newDataKey();
    const subjects = [aSubjectStream({ log }), aSubjectStream({ log })];
    const events = Array.from({ length: 600 }, (_, i) => sealedWith(key, subjects[i % 2]!.dataTransferred({ reference: `ref-${i}` })));
    const batches: number[] = [];
    const open = async (batch: readonly StoredEvent[]) => {
      batches.push(batch.length);
      return batch.map((event) => ({ ...event, data: { ...event.data, reference: `opened-${event.globalPosition}` } }));
    };

    const exported = await read(ndjsonStream(iterate(events), open));

    expect(batches).toEqual([256, 256, 88]);
    expect(exported.map((event) => event.globalPosition)).toEqual(events.map((event) => event.globalPosition));
    expect(exported[7].data.reference).toBe(`opened-${events[7]!.globalPosition}`);
    expect(exported[7].sealed).toEqual({ reference: events[7]!.data['reference'] });
    expect(Object.keys(exported[7])).toEqual([
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
  });

  it('adds no sealed field to an event without sealed values', async () => {
    const consent = aSubjectStream().consentGiven();
    const [exported] = await read(ndjsonStream(iterate([consent]), async (batch) => [...batch]));
    expect(exported.sealed).toBeUndefined();
    expect(exported.data).toEqual(consent.data);
  });
});
