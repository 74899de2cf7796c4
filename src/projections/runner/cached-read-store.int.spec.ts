import { beforeEach, describe, expect, it } from '@jest/globals';
import { openSqliteFile } from '../../platform/sqlite/sqlite-file.js';
import type { ReadDocument, ReadStore } from '../../read-store/read-store.port.js';
import { SqliteReadStore } from '../../read-store/sqlite/sqlite-read-store.js';
import { cachedReadStore } from './cached-read-store.js';

const doc = (id: string, position: number, v = `${id}@${position}`): ReadDocument => ({ _id: id, _position: position, v });

describe('the rebuild’s cached read store', () => {
  let store: ReadStore;
  let reads: string[][];

  beforeEach(async () => {
    const inner = new SqliteReadStore(openSqliteFile(':memory:', { synchronous: 'NORMAL' }));
    await inner.prepare([{ name: 'docs', indexes: [] }]);
    reads = [];
    const getMany = inner.getMany.bind(inner);
    inner.getMany = async <T extends ReadDocument>(collection: string, ids: readonly string[]) => {
      reads.push([...ids]);
      return getMany<T>(collection, ids);
    };
    store = inner;
  });

  it('serves documents it wrote without reading them back, and reads only the others', async () => {
    await store.putMany('docs', [doc('old', 1)]);
    const cached = cachedReadStore(store, 10);
    await cached.putMany('docs', [doc('a', 2), doc('b', 3)]);
    const found = await cached.getMany('docs', ['a', 'b', 'old', 'missing']);
    expect([...found.values()].map((d) => d['v'])).toEqual(['a@2', 'b@3', 'old@1']);
    expect(reads).toEqual([['old', 'missing']]);
    // What it wrote is in the store too (write-through).
    expect((await store.get('docs', 'b'))?.['v']).toBe('b@3');
  });

  it('keeps the store’s guard: an older or equal position replaces nothing, in the store or the cache', async () => {
    const cached = cachedReadStore(store, 10);
    await cached.putMany('docs', [doc('a', 5, 'five')]);
    await cached.putMany('docs', [doc('a', 4, 'four'), doc('a', 5, 'five again')]);
    expect((await cached.getMany('docs', ['a'])).get('a')?.['v']).toBe('five');
    expect((await store.get('docs', 'a'))?.['v']).toBe('five');
  });

  it('holds at most its bound, dropping the least recently used, which are read from the store again', async () => {
    const cached = cachedReadStore(store, 2);
    await cached.putMany('docs', [doc('a', 1), doc('b', 2)]);
    await cached.getMany('docs', ['a']); // a is now more recent than b
    await cached.putMany('docs', [doc('c', 3)]);
    reads = [];
    const found = await cached.getMany('docs', ['a', 'b', 'c']);
    expect(found.size).toBe(3);
    expect(reads).toEqual([['b']]);
  });

  it('forgets a collection it clears', async () => {
    const cached = cachedReadStore(store, 10);
    await cached.putMany('docs', [doc('a', 1)]);
    await cached.clear('docs');
    expect((await cached.getMany('docs', ['a'])).size).toBe(0);
    expect(await cached.count('docs')).toBe(0);
  });
});
