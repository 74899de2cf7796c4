import { describe, expect, it } from '@jest/globals';
import { StreamStateCache, type StreamState } from './stream-state-cache.js';

const at = (revision: number, state = `state@${revision}`): StreamState<string> => ({
  state,
  revision,
  lastHash: `hash@${revision}`,
  idempotencyKeys: new Set(),
});

const counting = (capacity: number) => {
  const counts = { hit: 0, miss: 0, evicted: 0 };
  const cache = new StreamStateCache(capacity, {
    hit: () => counts.hit++,
    miss: () => counts.miss++,
    evicted: () => counts.evicted++,
  });
  return { cache, counts };
};

describe('the stream state cache', () => {
  it('gives back what was kept, and counts hits and misses', () => {
    const { cache, counts } = counting(10);
    expect(cache.get('a')).toBeUndefined();
    cache.set('a', at(3));
    expect(cache.get<string>('a')).toEqual(at(3));
    expect(counts).toEqual({ hit: 1, miss: 1, evicted: 0 });
  });

  describe('when it is full', () => {
    it('keeps at most its capacity, evicting the least recently used and counting each eviction', () => {
      const { cache, counts } = counting(2);
      cache.set('a', at(0));
      cache.set('b', at(0));
      cache.get('a'); // b is now the least recently used
      cache.set('c', at(0));
      expect(cache.size).toBe(2);
      expect(cache.get('b')).toBeUndefined();
      expect(cache.get('a')).toBeDefined();
      expect(cache.get('c')).toBeDefined();
      expect(counts.evicted).toBe(1);
    });

    it('counts a replaced entry as no eviction', () => {
      const { cache, counts } = counting(2);
      cache.set('a', at(0));
      cache.set('b', at(0));
      cache.set('a', at(1));
      expect(cache.size).toBe(2);
      expect(counts.evicted).toBe(0);
    });
  });

  it('keeps the entry folded further when two commands finish out of order', () => {
    const { cache } = counting(10);
    cache.set('a', at(5));
    cache.set('a', at(4));
    expect(cache.get('a')?.revision).toBe(5);
    cache.set('a', at(6));
    expect(cache.get('a')?.revision).toBe(6);
  });

  it('drops an entry found stale, so the next lookup misses', () => {
    const { cache, counts } = counting(10);
    cache.set('a', at(1));
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
    expect(counts.miss).toBe(1);
    // After a drop, an entry read afresh is kept whatever its revision.
    cache.set('a', at(0));
    expect(cache.get('a')?.revision).toBe(0);
  });

  it('drops only the entry that was used, not a newer one kept meanwhile', () => {
    const { cache } = counting(10);
    const used = at(1);
    cache.set('a', used);
    const newer = at(2);
    cache.set('a', newer);
    cache.delete('a', used);
    expect(cache.get('a')).toBe(newer);
    cache.delete('a', newer);
    expect(cache.get('a')).toBeUndefined();
  });

  it('keeps nothing with a capacity of 0', () => {
    const { cache, counts } = counting(0);
    cache.set('a', at(0));
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(counts).toEqual({ hit: 0, miss: 1, evicted: 0 });
  });

  it('refuses a capacity that is not a whole number', () => {
    expect(() => new StreamStateCache(-1)).toThrow(RangeError);
    expect(() => new StreamStateCache(1.5)).toThrow(RangeError);
  });
});
