import type { ReadDocument, ReadStore } from '../../read-store/read-store.port.js';

/**
 * A read store seen through a bounded write-through cache of documents, for a rebuild only:
 * the rebuild is then the one writer of the collections it cleared, so a document it wrote
 * is exactly the stored one and need not be read (and JSON-parsed) back when a later batch
 * touches it again (a subject's status, a tenant's transfer summary). `getMany` serves cached
 * documents and asks the store for the rest; `putMany` writes through, then caches what it
 * wrote. The least recently used documents leave first once `maxDocuments` are held, which
 * bounds memory whatever the size of the log. Cached documents are shared, not copied: the
 * projections' `evolve` is pure and returns a new document instead of changing the current one.
 *
 * Everything else goes straight to the store (checkpoints, queries, leases).
 */
export const cachedReadStore = (store: ReadStore, maxDocuments: number): ReadStore => {
  /** By collection, then by id; a Map keeps insertion order, so re-inserting on use makes it an LRU. */
  const collections = new Map<string, Map<string, ReadDocument>>();
  let held = 0;
  const cacheOf = (collection: string): Map<string, ReadDocument> => {
    let cache = collections.get(collection);
    if (cache === undefined) collections.set(collection, (cache = new Map()));
    return cache;
  };
  const remember = (cache: Map<string, ReadDocument>, document: ReadDocument): void => {
    if (cache.delete(document._id)) held--;
    cache.set(document._id, document);
    held++;
  };
  /** Evicts the oldest entries of the largest caches until the bound holds again. */
  const evict = (): void => {
    while (held > maxDocuments) {
      let largest: Map<string, ReadDocument> | undefined;
      for (const cache of collections.values()) if (largest === undefined || cache.size > largest.size) largest = cache;
      if (largest === undefined || largest.size === 0) return;
      const excess = Math.min(largest.size, held - maxDocuments);
      let removed = 0;
      for (const id of largest.keys()) {
        if (removed >= excess) break;
        largest.delete(id);
        removed++;
      }
      held -= removed;
    }
  };

  const cached: Pick<ReadStore, 'getMany' | 'putMany' | 'clear'> = {
    async getMany<T extends ReadDocument>(collection: string, ids: readonly string[]): Promise<Map<string, T>> {
      const cache = cacheOf(collection);
      const found = new Map<string, T>();
      const missing: string[] = [];
      for (const id of ids) {
        const document = cache.get(id);
        if (document === undefined) missing.push(id);
        else {
          remember(cache, document);
          found.set(id, document as T);
        }
      }
      if (missing.length > 0) {
        const loaded = await store.getMany<T>(collection, missing);
        for (const [id, document] of loaded) {
          found.set(id, document);
          remember(cache, document);
        }
        evict();
      }
      return found;
    },
    async putMany(collection: string, documents: readonly ReadDocument[]): Promise<void> {
      await store.putMany(collection, documents);
      const cache = cacheOf(collection);
      for (const document of documents) {
        const current = cache.get(document._id);
        // The store's own guard: an older or equal position never replaces a newer document.
        if (current === undefined || current._position < document._position) remember(cache, document);
      }
      evict();
    },
    async clear(collection: string): Promise<void> {
      await store.clear(collection);
      const cache = collections.get(collection);
      if (cache !== undefined) {
        held -= cache.size;
        cache.clear();
      }
    },
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'getMany' || property === 'putMany' || property === 'clear') return cached[property];
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
};
