import type { EventStore, StoredEvent } from '../../event-store/event-store.port.js';
import type { ReadStore } from '../../read-store/read-store.port.js';
import type { Projection } from '../projection.js';
import { DocumentWindow } from './document-window.js';
import { documentTargets, evolveDocument } from './projection-processor.js';

export interface RebuildProgress {
  readonly events: number;
  readonly total: number;
  readonly elapsedMs: number;
}

export interface RebuildResult {
  readonly projections: readonly string[];
  readonly events: number;
  readonly elapsedMs: number;
  readonly lastPosition: number;
}

export interface RebuildOptions {
  /** Events folded between two looks at memory (default 2,000). */
  readonly batchSize?: number;
  /**
   * Changed documents held before they are written (default 5,000): each write is one
   * transaction per collection, so larger means fewer, larger transactions and more memory.
   */
  readonly flushDocuments?: number;
  /** Written documents kept in memory for later events of the same subject (default 5,000). */
  readonly cachedDocuments?: number;
}

const BATCH_SIZE = 2000;
const FLUSH_DOCUMENTS = 5000;
const CACHED_DOCUMENTS = 5000;

/**
 * Rebuilds read models from position 0 as a bulk load: empties their collections and drops
 * their secondary indexes (`startBulkLoad`), reads the log once and folds each event into
 * every chosen projection, keeping the documents in memory (`DocumentWindow`) and writing
 * them in large transactions, then creates the indexes and sets every checkpoint to the last
 * position. The ledger must not be running against the same read store meanwhile.
 *
 * Checkpoints stay at 0 until the end. A crash midway leaves each written document a fold of
 * the log up to its `_position`, exactly as the live runner would have left it, so running
 * the rebuild again or starting the ledger (whose runner replays from 0, skipping what a
 * document already has, and whose start creates any missing index) gives the same result.
 */
export const rebuildProjections = async (
  events: EventStore,
  readStore: ReadStore,
  projections: readonly Projection[],
  onProgress: (progress: RebuildProgress) => void = () => undefined,
  options: RebuildOptions = {},
): Promise<RebuildResult> => {
  const started = Date.now();
  const batchSize = options.batchSize ?? BATCH_SIZE;
  const flushDocuments = options.flushDocuments ?? FLUSH_DOCUMENTS;
  const cachedDocuments = options.cachedDocuments ?? CACHED_DOCUMENTS;
  for (const projection of projections) await readStore.resetCheckpoint(projection.name, 0);
  const load = await readStore.startBulkLoad(projections.map((p) => p.collection));
  const windows = new Map<string, DocumentWindow>();
  const folds = projections.map((projection) => {
    const name = projection.collection.name;
    let window = windows.get(name);
    if (window === undefined) windows.set(name, (window = new DocumentWindow(name)));
    return { projection, window };
  });
  // Only for the progress line: gap-free on the embedded store, an upper bound on
  // EventStoreDB (positions have gaps), hence "of ~N".
  const total = await events.lastPosition();
  let count = 0;
  let lastPosition = 0;
  let batch: StoredEvent[] = [];

  const flush = async () => {
    for (const window of windows.values()) await window.flush(load);
    // Memory bound: the least recently used written documents go, from the largest windows
    // first (those of one document per event, which no later event touches again).
    let held = 0;
    for (const window of windows.values()) held += window.size;
    while (held > cachedDocuments) {
      let largest: DocumentWindow | undefined;
      for (const window of windows.values()) if (largest === undefined || window.size > largest.size) largest = window;
      if (largest === undefined || largest.size === 0) break;
      const excess = Math.min(largest.size, held - cachedDocuments);
      largest.evict(excess);
      held -= excess;
    }
  };

  const apply = async () => {
    for (const { projection, window } of folds) await foldBatch(projection, window, readStore, batch);
    count += batch.length;
    lastPosition = batch.at(-1)?.globalPosition ?? lastPosition;
    batch = [];
    let dirty = 0;
    for (const window of windows.values()) dirty += window.dirtyCount;
    if (dirty >= flushDocuments) await flush();
    onProgress({ events: count, total, elapsedMs: Date.now() - started });
  };

  for await (const event of events.readAll({ fromPosition: 0 })) {
    batch.push(event);
    if (batch.length >= batchSize) await apply();
  }
  if (batch.length > 0) await apply();
  await flush();
  await load.finish();
  for (const projection of projections) await readStore.resetCheckpoint(projection.name, lastPosition);
  return { projections: projections.map((p) => p.name), events: count, elapsedMs: Date.now() - started, lastPosition };
};

/** The live runner's fold (applyBatch) over documents held in memory. */
const foldBatch = async (
  projection: Projection,
  window: DocumentWindow,
  store: ReadStore,
  events: readonly StoredEvent[],
): Promise<void> => {
  const relevant = documentTargets(projection, events);
  await window.load(
    store,
    relevant.map((r) => r.id),
  );
  for (const { event, id } of relevant) {
    const document = evolveDocument(projection, window.get(id), event, id);
    if (document !== null) window.set(document);
  }
};
