import type { BulkLoad, ReadDocument, ReadStore } from '../../read-store/read-store.port.js';
import { IdFilter } from './id-filter.js';

interface Entry {
  document: ReadDocument;
  /** The store holds a version of it (written earlier in the load): the next write replaces. */
  stored: boolean;
  dirty: boolean;
}

/**
 * The documents of one collection that a bulk rebuild holds in memory: every document it
 * changed since the last flush, and the most recently used of those already written. The
 * collection was empty when the load started and the rebuild is its only writer, so a
 * document that is neither here nor in `written` does not exist yet: no read. Only a
 * document that was written and then evicted is read back, and the filter says which.
 */
export class DocumentWindow {
  /** In order of last use (a Map keeps insertion order; a touch re-inserts). */
  private readonly entries = new Map<string, Entry>();
  private readonly dirty: Entry[] = [];
  private readonly written = new IdFilter();

  constructor(readonly collection: string) {}

  get size(): number {
    return this.entries.size;
  }

  get dirtyCount(): number {
    return this.dirty.length;
  }

  /** Reads back, in one call, those of `ids` that are not in memory but may be in the store. */
  async load(store: ReadStore, ids: Iterable<string>): Promise<void> {
    const missing: string[] = [];
    for (const id of ids) if (!this.entries.has(id) && this.written.mightHave(id)) missing.push(id);
    if (missing.length === 0) return;
    const found = await store.getMany<ReadDocument>(this.collection, missing);
    for (const [id, document] of found) this.entries.set(id, { document, stored: true, dirty: false });
  }

  /** The document as the rebuild last left it, if it exists; call `load` first for the batch. */
  get(id: string): ReadDocument | null {
    return this.entries.get(id)?.document ?? null;
  }

  set(document: ReadDocument): void {
    const id = document._id;
    const entry = this.entries.get(id);
    if (entry === undefined) {
      const created = { document, stored: false, dirty: true };
      this.entries.set(id, created);
      this.dirty.push(created);
      this.written.add(id);
      return;
    }
    this.entries.delete(id);
    this.entries.set(id, entry);
    entry.document = document;
    if (!entry.dirty) {
      entry.dirty = true;
      this.dirty.push(entry);
    }
  }

  /** Writes every changed document (new ones as inserts, the others as replaces). */
  async flush(load: BulkLoad): Promise<number> {
    if (this.dirty.length === 0) return 0;
    const inserted: ReadDocument[] = [];
    const replaced: ReadDocument[] = [];
    for (const entry of this.dirty) {
      (entry.stored ? replaced : inserted).push(entry.document);
      entry.stored = true;
      entry.dirty = false;
    }
    const count = this.dirty.length;
    this.dirty.length = 0;
    await load.write(this.collection, inserted, replaced);
    return count;
  }

  /** Drops the `count` least recently used documents; only call right after `flush`. */
  evict(count: number): void {
    let removed = 0;
    for (const id of this.entries.keys()) {
      if (removed >= count) break;
      this.entries.delete(id);
      removed++;
    }
  }
}
