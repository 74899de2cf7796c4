import { beforeEach, describe, expect, it } from '@jest/globals';
import { openSqliteFile } from '../../platform/sqlite/sqlite-file.js';
import type { BulkLoad, ReadDocument } from '../../read-store/read-store.port.js';
import { SqliteReadStore } from '../../read-store/sqlite/sqlite-read-store.js';
import { DocumentWindow } from './document-window.js';

const doc = (id: string, position: number): ReadDocument => ({ _id: id, _position: position, v: `${id}@${position}` });

describe('the bulk rebuild’s document window', () => {
  let store: SqliteReadStore;
  let load: BulkLoad;
  let reads: string[][];
  let writes: { inserted: string[]; replaced: string[] }[];

  beforeEach(async () => {
    store = new SqliteReadStore(openSqliteFile(':memory:', { synchronous: 'NORMAL' }));
    const inner = await store.startBulkLoad([{ name: 'docs', indexes: [] }]);
    reads = [];
    writes = [];
    const getMany = store.getMany.bind(store);
    store.getMany = async <T extends ReadDocument>(collection: string, ids: readonly string[]) => {
      reads.push([...ids]);
      return getMany<T>(collection, ids);
    };
    load = {
      write: async (collection, inserted, replaced) => {
        writes.push({ inserted: inserted.map((d) => d._id), replaced: replaced.map((d) => d._id) });
        await inner.write(collection, inserted, replaced);
      },
      finish: () => inner.finish(),
    };
  });

  it('reads nothing for documents it never wrote, and inserts them once', async () => {
    const window = new DocumentWindow('docs');
    await window.load(store, ['a', 'b']);
    expect(window.get('a')).toBeNull();
    window.set(doc('a', 1));
    window.set(doc('b', 2));
    window.set(doc('a', 3));
    expect(await window.flush(load)).toBe(2);
    expect(reads).toEqual([]);
    expect(writes).toEqual([{ inserted: ['a', 'b'], replaced: [] }]);
    expect((await store.get('docs', 'a'))?.['v']).toBe('a@3');
  });

  it('replaces what it wrote before, and reads back only what it wrote and then evicted', async () => {
    const window = new DocumentWindow('docs');
    window.set(doc('a', 1));
    window.set(doc('b', 2));
    await window.flush(load);
    window.set(doc('b', 3));
    window.evict(1);
    expect(window.get('a')).toBeNull();
    await window.load(store, ['a', 'b', 'new']);
    expect(reads).toEqual([['a']]);
    expect(window.get('a')).toEqual(doc('a', 1));
    window.set(doc('a', 4));
    await window.flush(load);
    expect(writes.at(-1)).toEqual({ inserted: [], replaced: ['b', 'a'] });
    expect((await store.getMany('docs', ['a', 'b'])).get('a')?.['v']).toBe('a@4');
  });

  it('evicts the least recently used documents first', async () => {
    const window = new DocumentWindow('docs');
    window.set(doc('a', 1));
    window.set(doc('b', 2));
    window.set(doc('c', 3));
    window.set(doc('a', 4));
    await window.flush(load);
    window.evict(2);
    expect([window.get('a')?._id, window.get('b'), window.get('c')]).toEqual(['a', null, null]);
    expect(window.size).toBe(1);
  });
});
