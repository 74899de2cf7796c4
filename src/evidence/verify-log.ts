import type { StoredEvent } from '../event-store/event-store.port.js';
import { GENESIS_HASH, eventHash } from './event-hash.js';

/**
 * Checks a raw event log (the EventStore port's `readAll`, in global order) against the
 * hash chain written by the write path:
 *
 * - every event's `metadata.hash` equals its recomputed hash (`hash mismatch`);
 * - `globalPosition` strictly increases (`out of order`);
 * - each stream's positions run 0, 1, 2, ... in global order: a position that turns up later
 *   in the log is `out of order`, one that never turns up is `missing position`;
 * - each event's `metadata.prevHash` is the previous event's hash in its stream, the genesis
 *   hash at position 0 (`broken chain`).
 *
 * Stops at the first bad event. Memory grows with the number of streams, not events.
 * What it cannot see: events cut off the END of a stream, or whole streams removed; that
 * needs the Merkle tree over the global log and signed tree heads (future work).
 */

export type VerifyProblem = 'hash mismatch' | 'broken chain' | 'missing position' | 'out of order' | 'missing hash';

export interface VerifyOk {
  readonly ok: true;
  readonly events: number;
  readonly streams: number;
  /** Global position of the last event checked (0 for an empty log). */
  readonly lastPosition: number;
  /** Events without a hash accepted as a legacy stream prefix (only with `allowUnhashed`). */
  readonly unhashed: number;
}

export interface VerifyFailure {
  readonly ok: false;
  readonly problem: VerifyProblem;
  readonly eventId: string;
  readonly streamId: string;
  readonly streamPosition: number;
  readonly globalPosition: number;
  readonly detail: string;
  /** Events checked and found good before this one. */
  readonly eventsBefore: number;
}

export type VerifyResult = VerifyOk | VerifyFailure;

export interface VerifyOptions {
  /**
   * Accept events without `metadata.hash` at the start of a stream (written before the chain
   * existed); the first hashed event after them must link to the genesis hash. Off by
   * default: a hash stripped from an event is otherwise indistinguishable from a legacy one.
   */
  readonly allowUnhashed?: boolean;
  /**
   * Called with each good event and its recomputed hash, in global order (e.g. to feed a
   * Merkle tree); for an accepted legacy event that is the hash of what it holds.
   */
  readonly onVerified?: (event: StoredEvent, hash: string) => void;
}

interface StreamState {
  nextPosition: number;
  lastHash: string;
  /** True while the stream has only unhashed (legacy) events. */
  legacy: boolean;
}

export const verifyLog = async (events: AsyncIterable<StoredEvent>, options: VerifyOptions = {}): Promise<VerifyResult> => {
  const streams = new Map<string, StreamState>();
  const iterator = events[Symbol.asyncIterator]();
  let count = 0;
  let unhashed = 0;
  let lastGlobal = Number.NEGATIVE_INFINITY;
  const fail = (event: StoredEvent, problem: VerifyProblem, detail: string): VerifyFailure => ({
    ok: false,
    problem,
    eventId: event.id,
    streamId: event.streamId,
    streamPosition: event.streamPosition,
    globalPosition: event.globalPosition,
    detail,
    eventsBefore: count,
  });

  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const event = next.value;
      if (!(event.globalPosition > lastGlobal)) {
        return fail(event, 'out of order', `global position ${event.globalPosition} does not follow ${lastGlobal}`);
      }
      const state = streams.get(event.streamId);
      const expectedPosition = state?.nextPosition ?? 0;
      const expectedPrev = state?.lastHash ?? GENESIS_HASH;
      const stored = event.metadata.hash;

      let hash: string;
      try {
        hash = eventHash(event);
      } catch (error) {
        return fail(event, 'hash mismatch', `the event cannot be hashed: ${(error as Error).message}`);
      }
      const hashed = stored !== undefined && stored !== null;
      if (!hashed) {
        if (!options.allowUnhashed || (state !== undefined && !state.legacy)) {
          return fail(event, 'missing hash', 'the event has no metadata.hash');
        }
        unhashed++;
      } else if (typeof stored !== 'string' || stored !== hash) {
        return fail(event, 'hash mismatch', `metadata.hash is ${JSON.stringify(stored)}, the event hashes to ${hash}`);
      }

      if (event.streamPosition !== expectedPosition) {
        if (event.streamPosition < expectedPosition) {
          return fail(event, 'out of order', `stream position ${event.streamPosition} after position ${expectedPosition - 1}`);
        }
        const missing = await findLater(iterator, event.streamId, expectedPosition, event.streamPosition);
        return missing === null
          ? fail(event, 'missing position', `expected stream position ${expectedPosition}, found ${event.streamPosition}`)
          : fail(
              event,
              'out of order',
              `stream position ${event.streamPosition} comes before position ${missing.streamPosition} ` +
                `(event ${missing.id}, global position ${missing.globalPosition})`,
            );
      }

      if (hashed) {
        const prevHash = event.metadata.prevHash;
        if (prevHash !== expectedPrev) {
          return fail(
            event,
            'broken chain',
            `metadata.prevHash is ${JSON.stringify(prevHash ?? null)}, expected ${expectedPrev}` +
              (expectedPosition === 0 ? ' (genesis)' : ` (hash of position ${expectedPosition - 1})`),
          );
        }
      }

      streams.set(event.streamId, {
        nextPosition: expectedPosition + 1,
        // After a legacy (unhashed) event the write path chains on from genesis.
        lastHash: hashed ? hash : GENESIS_HASH,
        legacy: (state?.legacy ?? true) && !hashed,
      });
      lastGlobal = event.globalPosition;
      count++;
      options.onVerified?.(event, hash);
    }
  } finally {
    await iterator.return?.();
  }
  return { ok: true, events: count, streams: streams.size, lastPosition: count === 0 ? 0 : lastGlobal, unhashed };
};

/** Reads on to tell a reordered log from a gap: the first later event of the stream in [from, to). */
const findLater = async (iterator: AsyncIterator<StoredEvent>, streamId: string, from: number, to: number): Promise<StoredEvent | null> => {
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    const event = next.value;
    if (event.streamId === streamId && event.streamPosition >= from && event.streamPosition < to) return event;
  }
  return null;
};

/** One line for the operator. */
export const describeFailure = (failure: VerifyFailure): string =>
  `${failure.problem}: event ${failure.eventId} (stream ${failure.streamId}, position ${failure.streamPosition}, ` +
  `global position ${failure.globalPosition}): ${failure.detail}`;
