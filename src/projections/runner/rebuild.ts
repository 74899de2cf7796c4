import type { EventStore, StoredEvent } from '../../event-store/event-store.port.js';
import type { ReadStore } from '../../read-store/read-store.port.js';
import type { Projection } from '../projection.js';
import { cachedReadStore } from './cached-read-store.js';
import { applyBatch } from './projection-processor.js';

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
  /**
   * Events per batch (default 5,000): each batch costs one read of the documents it touches
   * and one write plus one checkpoint per projection, so larger batches amortise those.
   */
  readonly batchSize?: number;
  /** Documents kept in memory between batches (default 20,000; bounds the rebuild's memory). */
  readonly cachedDocuments?: number;
}

const BATCH_SIZE = 5000;
const CACHED_DOCUMENTS = 20_000;

/**
 * Rebuilds read models from position 0: clears their documents, resets their checkpoints,
 * and replays the whole log once, applying each batch to every chosen projection. The
 * ledger must not be running against the same read store meanwhile (its runner would
 * keep moving the checkpoints it resets).
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
  // Sole writer of the collections it clears (see above), so documents it wrote can be reused.
  const store = cachedReadStore(readStore, options.cachedDocuments ?? CACHED_DOCUMENTS);
  await store.prepare(projections.map((p) => p.collection));
  for (const projection of projections) {
    await store.clear(projection.collection.name);
    await store.resetCheckpoint(projection.name, 0);
  }
  // Only for the progress line: gap-free on the embedded store, an upper bound on
  // EventStoreDB (positions have gaps), hence "of ~N".
  const total = await events.lastPosition();
  let count = 0;
  let lastPosition = 0;
  let batch: StoredEvent[] = [];
  const flush = async () => {
    for (const projection of projections) await applyBatch(projection, store, batch);
    count += batch.length;
    lastPosition = batch.at(-1)?.globalPosition ?? lastPosition;
    batch = [];
    onProgress({ events: count, total, elapsedMs: Date.now() - started });
  };
  for await (const event of events.readAll({ fromPosition: 0 })) {
    batch.push(event);
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  return { projections: projections.map((p) => p.name), events: count, elapsedMs: Date.now() - started, lastPosition };
};
