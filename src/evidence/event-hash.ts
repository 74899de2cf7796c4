import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { EventMetadata, NewEvent } from '../event-store/event-store.port.js';

/**
 * The per-stream hash chain. Pure: no store, no clock.
 *
 * `hash = SHA-256(JCS({ id, type, streamId, streamPosition, occurredAt, recordedAt, data, metadata }))`
 * as lower-case hex, where JCS is RFC 8785 canonical JSON and `metadata` is the event's
 * metadata without its own `hash` (so `prevHash` is covered and links the event to its
 * predecessor). `globalPosition` is not covered: it is assigned by the store at commit and
 * differs between adapters; global order is the Merkle tree's job.
 *
 * Computed by the write path (StreamCommandExecutor) before the store is called, so both
 * event stores hold the same hashes for the same events.
 */

/** `prevHash` of the first event (position 0) of every stream. */
export const GENESIS_HASH = '0'.repeat(64);

/** What the hash covers: a stored event, or a new one together with where it will be appended. */
export interface HashedFields {
  readonly id: string;
  readonly type: string;
  readonly streamId: string;
  readonly streamPosition: number;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly metadata: EventMetadata;
}

/** The canonical JSON text that is hashed (exported for tests and for auditors re-implementing it). */
export const canonicalEventText = (event: HashedFields): string => {
  const { hash: _ownHash, ...metadata } = event.metadata;
  const text = canonicalize({
    id: event.id,
    type: event.type,
    streamId: event.streamId,
    streamPosition: event.streamPosition,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    data: event.data,
    metadata,
  });
  if (text === undefined) throw new TypeError(`event ${event.id} has no JSON form`);
  return text;
};

/** Hex SHA-256 of the event's canonical JSON (its `metadata.hash` excluded). */
export const eventHash = (event: HashedFields): string =>
  createHash('sha256').update(canonicalEventText(event), 'utf8').digest('hex');

/**
 * Returns `events` (to be appended in this order at `firstStreamPosition`, ...) with
 * `metadata.prevHash` and `metadata.hash` set: the first links to `previousHash`, each
 * next one to the one before it. Any `prevHash`/`hash` already present is replaced.
 */
export const chainEvents = (
  streamId: string,
  previousHash: string,
  firstStreamPosition: number,
  events: readonly NewEvent[],
): NewEvent[] => {
  let prevHash = previousHash;
  return events.map((event, index) => {
    const { hash: _stale, prevHash: _stalePrev, ...rest } = event.metadata;
    const metadata: EventMetadata = { ...rest, prevHash };
    const hash = eventHash({ ...event, streamId, streamPosition: firstStreamPosition + index, metadata });
    prevHash = hash;
    return { ...event, metadata: { ...metadata, hash } };
  });
};
