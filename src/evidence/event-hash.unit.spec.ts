import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import type { NewEvent } from '../event-store/event-store.port.js';
import { GENESIS_HASH, canonicalEventText, chainEvents, eventHash, type HashedFields } from './event-hash.js';

const base: HashedFields = {
  id: '01a222fe-47e3-74ff-8f6f-be77573f4975',
  type: 'consent-given',
  streamId: 'subject-acme/usr_1',
  streamPosition: 3,
  occurredAt: '2025-06-02T04:00:00.000Z',
  recordedAt: '2025-06-02T04:00:01.000Z',
  data: { purposes: ['crm-access', 'usage-analytics'], policyVersion: '2024-06', channel: 'web', evidence: { ipAddress: '203.0.113.7' } },
  metadata: {
    tenantId: 'acme',
    subjectId: 'usr_1',
    actor: 'signup-service',
    correlationId: 'c-1',
    causationId: 'cmd-1',
    idempotencyKey: null,
    prevHash: 'ab'.repeat(32),
  },
};

const newEvent = (id: string, data: Record<string, unknown> = { n: id }): NewEvent => ({
  id,
  type: 'data-transferred',
  occurredAt: '2025-06-02T04:00:00.000Z',
  recordedAt: '2025-06-02T04:00:01.000Z',
  data,
  metadata: { tenantId: 't', subjectId: 's', actor: 'a', correlationId: 'c', causationId: 'x', idempotencyKey: null },
});

/** Rebuilds an object with its keys in reverse order, at every depth. */
const reversed = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(reversed);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversed(v)]),
  );
};

describe('eventHash', () => {
  it('is hex SHA-256 of the RFC 8785 canonical JSON of the covered fields', () => {
    const hash = eventHash(base);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(createHash('sha256').update(canonicalEventText(base)).digest('hex'));
    expect(canonicalEventText(base).startsWith('{"data":{"channel":"web","evidence":{"ipAddress":"203.0.113.7"},')).toBe(true);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  it('is deterministic and independent of key order', () => {
    expect(eventHash(base)).toBe(eventHash({ ...base }));
    expect(eventHash(reversed(base) as HashedFields)).toBe(eventHash(base));
    expect(eventHash(JSON.parse(JSON.stringify(base)) as HashedFields)).toBe(eventHash(base));
  });

  it('covers prevHash but not the hash field itself', () => {
    expect(eventHash({ ...base, metadata: { ...base.metadata, prevHash: 'cd'.repeat(32) } })).not.toBe(eventHash(base));
    expect(eventHash({ ...base, metadata: { ...base.metadata, hash: 'ff'.repeat(32) } })).toBe(eventHash(base));
  });

  it('ignores globalPosition, which the store assigns', () => {
    expect(eventHash({ ...base, globalPosition: 42 } as HashedFields)).toBe(eventHash(base));
  });

  it('changes when any covered field changes', () => {
    const variants: HashedFields[] = [
      { ...base, id: '01a222fe-47e3-74ff-8f6f-be77573f4976' },
      { ...base, type: 'consent-withdrawn' },
      { ...base, streamId: 'subject-acme/usr_2' },
      { ...base, streamPosition: 4 },
      { ...base, occurredAt: '2025-06-02T04:00:00.001Z' },
      { ...base, recordedAt: '2025-06-02T04:00:01.001Z' },
      { ...base, data: { ...base.data, policyVersion: '2024-07' } },
      { ...base, data: { ...base.data, purposes: ['usage-analytics', 'crm-access'] } },
      { ...base, data: { ...base.data, evidence: { ipAddress: '203.0.113.8' } } },
      { ...base, data: { ...base.data, extra: null } },
      { ...base, metadata: { ...base.metadata, tenantId: 'acme2' } },
      { ...base, metadata: { ...base.metadata, subjectId: 'usr_2' } },
      { ...base, metadata: { ...base.metadata, actor: 'other' } },
      { ...base, metadata: { ...base.metadata, correlationId: 'c-2' } },
      { ...base, metadata: { ...base.metadata, causationId: 'cmd-2' } },
      { ...base, metadata: { ...base.metadata, idempotencyKey: 'k' } },
    ];
    const hashes = new Set([eventHash(base), ...variants.map(eventHash)]);
    expect(hashes.size).toBe(variants.length + 1);
  });
});

describe('chainEvents', () => {
  it('links each event to the one before, starting from the given hash and position', () => {
    const chained = chainEvents('subject-t/s', GENESIS_HASH, 0, [newEvent('a'), newEvent('b'), newEvent('c')]);
    expect(chained.map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(chained[0]?.metadata.prevHash).toBe(GENESIS_HASH);
    chained.forEach((event, index) => {
      expect(event.metadata.hash).toBe(eventHash({ ...event, streamId: 'subject-t/s', streamPosition: index }));
      if (index > 0) expect(event.metadata.prevHash).toBe(chained[index - 1]?.metadata.hash);
    });
    expect(new Set(chained.map((e) => e.metadata.hash)).size).toBe(3);
  });

  it('continues an existing chain and gives the same result in one or several appends', () => {
    const [a, b, c] = [newEvent('a'), newEvent('b'), newEvent('c')];
    const all = chainEvents('subject-t/s', GENESIS_HASH, 0, [a, b, c]);
    const first = chainEvents('subject-t/s', GENESIS_HASH, 0, [a]);
    const rest = chainEvents('subject-t/s', first[0]?.metadata.hash ?? '', 1, [b, c]);
    expect([...first, ...rest]).toEqual(all);
  });

  it('depends on the stream and the first position', () => {
    const event = newEvent('a');
    const hash = (streamId: string, position: number) => chainEvents(streamId, GENESIS_HASH, position, [event])[0]?.metadata.hash;
    expect(hash('subject-t/s', 0)).not.toBe(hash('subject-t/s2', 0));
    expect(hash('subject-t/s', 0)).not.toBe(hash('subject-t/s', 1));
  });

  it('replaces stale chain fields and does not mutate its input', () => {
    const stale = { ...newEvent('a'), metadata: { ...newEvent('a').metadata, prevHash: 'x', hash: 'y' } };
    const snapshot = JSON.parse(JSON.stringify(stale));
    const [chained] = chainEvents('subject-t/s', GENESIS_HASH, 0, [stale]);
    expect(chained?.metadata.prevHash).toBe(GENESIS_HASH);
    expect(chained?.metadata.hash).toBe(chainEvents('subject-t/s', GENESIS_HASH, 0, [newEvent('a')])[0]?.metadata.hash);
    expect(stale).toEqual(snapshot);
  });
});
