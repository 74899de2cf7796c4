import { describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../config/ledger-config.js';
import type { SubjectCommand } from '../../domain/subject/subject.commands.js';
import type { ExpectedRevision, NewEvent, ReadStreamOptions, StoredEvent } from '../../event-store/event-store.port.js';
import { SqliteEventStore } from '../../event-store/sqlite/sqlite-event-store.js';
import { eventHash } from '../../evidence/event-hash.js';
import type { IdempotencyRecord, IdempotencyStore } from '../../idempotency/idempotency-store.port.js';
import { openSqliteSubjectKeyStore } from '../../key-store/sqlite/sqlite-subject-key-store.js';
import { uuidV7Generator } from '../../platform/ids.js';
import { openSqliteFile } from '../../platform/sqlite/sqlite-file.js';
import { masterKeyFrom } from '../../privacy/master-key.js';
import { PersonalData } from '../../privacy/personal-data.js';
import type { SubjectCommandRequest } from '../request-context/command-context.js';
import { SubjectWritePath } from '../subject-write-path/subject-write-path.js';
import { StreamCommandExecutor } from './stream-command-executor.js';
import { StreamStateCache } from './stream-state-cache.js';

/**
 * The embedded store, counting whole-stream and tail reads of subject streams (not a consent's
 * read of the policy stream), and able to let another writer in before an append.
 */
class WatchedStore extends SqliteEventStore {
  readonly reads: { whole: number; tail: number; eventsRead: number } = { whole: 0, tail: 0, eventsRead: 0 };
  interfere: ((streamId: string) => Promise<void>) | undefined;

  override async readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    const events = await super.readStream(streamId, options);
    if (!streamId.startsWith('subject-')) return events;
    if (options?.fromRevision === undefined) this.reads.whole++;
    else this.reads.tail++;
    this.reads.eventsRead += events.length;
    return events;
  }

  override async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision) {
    const interfere = this.interfere;
    this.interfere = undefined;
    await interfere?.(streamId);
    return super.append(streamId, events, expected);
  }

  resetCounts(): void {
    Object.assign(this.reads, { whole: 0, tail: 0, eventsRead: 0 });
  }
}

/** Idempotency records in memory; `forget` plays a crash between the append and the record. */
class ForgetfulIdempotencyStore implements IdempotencyStore {
  private readonly records = new Map<string, IdempotencyRecord>();
  async find(tenantId: string, key: string) {
    return this.records.get(`${tenantId}/${key}`) ?? null;
  }
  async save(record: IdempotencyRecord) {
    if (!this.records.has(`${record.tenantId}/${record.key}`)) this.records.set(`${record.tenantId}/${record.key}`, record);
  }
  forget(tenantId: string, key: string): void {
    this.records.delete(`${tenantId}/${key}`);
  }
  async close() {}
}

/** Two ledger instances on the same stores: each with its own write path and its own cache. */
const twoInstances = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-cache-'));
  const store = new WatchedStore(openSqliteFile(join(dir, 'events.sqlite')));
  const idempotency = new ForgetfulIdempotencyStore();
  const personalData = new PersonalData(openSqliteSubjectKeyStore(join(dir, 'keys.sqlite')), masterKeyFrom(randomBytes(32), 'test'), clock);
  const instance = () => {
    const counts = { hit: 0, miss: 0, evicted: 0 };
    const cache = new StreamStateCache(100, { hit: () => counts.hit++, miss: () => counts.miss++, evicted: () => counts.evicted++ });
    const streams = new StreamCommandExecutor(store, idempotency, clock, undefined, cache);
    const subjects = new SubjectWritePath(store, uuidV7Generator, parseConfig({}), personalData);
    return { execute: (request: SubjectCommandRequest) => streams.execute(subjects.write(request)), counts };
  };
  return { store, idempotency, a: instance(), b: instance() };
};

const clock = { now: () => new Date('2026-01-01T00:00:00Z') };

const request = (subjectId: string, command: SubjectCommand, key?: string): SubjectCommandRequest => ({
  commandId: uuidV7Generator.newId(),
  tenantId: 'acme',
  subjectId,
  occurredAt: undefined,
  actor: 'test',
  correlationId: 'c',
  idempotency: key === undefined ? undefined : { key, fingerprint: `fingerprint of ${key}` },
  command,
});

// Two purposes: withdrawing the last one would open an erasure.
const consent: SubjectCommand = { type: 'give-consent', purposes: ['crm-access', 'call-analytics'], policyVersion: 'v1', channel: 'web' };
const withdrawal: SubjectCommand = { type: 'withdraw-consent', purposes: ['crm-access'] };
const transfer = (reference = 'r-1'): SubjectCommand => ({
  type: 'record-transfer',
  recipient: { id: 'r', name: 'R', kind: 'processor' },
  country: 'IN',
  dataCategories: ['pii.name'],
  purpose: 'crm-access',
  legalBasis: 'consent',
  reference,
});

const streamOf = (subjectId: string) => `subject-acme/${subjectId}`;

describe('the write path with kept stream states', () => {
  it('reads only the events appended since on the next command, and chains on the kept hash', async () => {
    const { store, a } = twoInstances();
    const subjectId = `s-${randomUUID()}`;
    await a.execute(request(subjectId, consent));
    store.resetCounts();

    const outcome = await a.execute(request(subjectId, transfer()));

    expect(outcome.status).toBe(201);
    expect(store.reads).toEqual({ whole: 0, tail: 1, eventsRead: 0 });
    expect(a.counts).toMatchObject({ hit: 1, miss: 1 });
    const stream = await store.readStream(streamOf(subjectId));
    expect(stream.map((event) => event.streamPosition)).toEqual([0, 1]);
    expect(stream[1]?.metadata.prevHash).toBe(stream[0]?.metadata.hash);
    expect(stream.every((event) => event.metadata.hash === eventHash(event))).toBe(true);
  });

  describe('when another instance appended after this one kept the state', () => {
    it('refuses what the other writer made invalid (the rule is checked on the stream as it is)', async () => {
      const { store, a, b } = twoInstances();
      const subjectId = `s-${randomUUID()}`;
      await a.execute(request(subjectId, consent));
      await b.execute(request(subjectId, withdrawal));

      await expect(a.execute(request(subjectId, transfer()))).rejects.toMatchObject({ code: 'consent-not-active' });
      expect((await store.readStream(streamOf(subjectId))).map((event) => event.type)).toEqual(['consent-given', 'consent-withdrawn']);
    });

    it('allows what the other writer made valid, though the kept state alone would refuse it', async () => {
      const { store, a, b } = twoInstances();
      const subjectId = `s-${randomUUID()}`;
      await a.execute(request(subjectId, consent));
      await a.execute(request(subjectId, withdrawal));
      await b.execute(request(subjectId, consent));

      const outcome = await a.execute(request(subjectId, transfer()));

      expect(outcome.status).toBe(201);
      expect(outcome.body.events[0]?.streamPosition).toBe(3);
      const stream = await store.readStream(streamOf(subjectId));
      expect(stream.map((event) => event.type)).toEqual(['consent-given', 'consent-withdrawn', 'consent-given', 'data-transferred']);
      expect(stream[3]?.metadata.prevHash).toBe(stream[2]?.metadata.hash);
    });

    it('does not answer a no-op from the kept state', async () => {
      const { a, b } = twoInstances();
      const subjectId = `s-${randomUUID()}`;
      await a.execute(request(subjectId, consent));
      await b.execute(request(subjectId, withdrawal));

      expect((await a.execute(request(subjectId, consent))).status).toBe(201);
    });
  });

  describe('when another writer appends between the read and the append', () => {
    it('drops the kept state, reads the whole stream and decides again', async () => {
      const { store, a, b } = twoInstances();
      const subjectId = `s-${randomUUID()}`;
      await a.execute(request(subjectId, consent));
      store.interfere = async () => {
        await b.execute(request(subjectId, withdrawal));
      };
      store.resetCounts();

      await expect(a.execute(request(subjectId, transfer()))).rejects.toMatchObject({ code: 'consent-not-active' });

      // The first attempt read the (empty) tail and lost the append; the second read it all.
      expect(a.counts).toMatchObject({ hit: 1, miss: 2 });
      expect(store.reads.whole).toBe(2); // b's own miss, then a's retry
      expect((await store.readStream(streamOf(subjectId))).map((event) => event.type)).toEqual(['consent-given', 'consent-withdrawn']);
    });
  });

  describe('when the events of an Idempotency-Key were appended but the answer was never recorded', () => {
    it('answers the retry with those events from a warm instance, and writes nothing more', async () => {
      const { store, idempotency, a } = twoInstances();
      const subjectId = `s-${randomUUID()}`;
      await a.execute(request(subjectId, consent));
      const first = await a.execute(request(subjectId, transfer(), 'k-crash'));
      await a.execute(request(subjectId, transfer('r-2')));
      idempotency.forget('acme', 'k-crash');

      const retry = await a.execute(request(subjectId, transfer(), 'k-crash'));

      expect(retry).toEqual(first);
      expect(await store.readStream(streamOf(subjectId))).toHaveLength(3);
    });

    it('answers it from another instance whose kept state predates those events', async () => {
      const { store, idempotency, a, b } = twoInstances();
      const subjectId = `s-${randomUUID()}`;
      await a.execute(request(subjectId, consent));
      await b.execute(request(subjectId, transfer('r-0')));
      const first = await a.execute(request(subjectId, transfer(), 'k-other'));
      idempotency.forget('acme', 'k-other');

      const retry = await b.execute(request(subjectId, transfer(), 'k-other'));

      expect(retry).toEqual(first);
      expect(await store.readStream(streamOf(subjectId))).toHaveLength(3);
    });
  });

  describe('when a subject has thousands of events', () => {
    it('reads none of them again for the next command, and still finds an old Idempotency-Key', async () => {
      const { store, a } = twoInstances();
      const subjectId = `s-${randomUUID()}`;
      const earlier = Array.from({ length: 2000 }, (_, i) => filler(subjectId, `k-${i}`));
      await store.append(streamOf(subjectId), earlier, 'no-stream');
      store.resetCounts();

      // The first command reads the stream once...
      await a.execute(request(subjectId, consent));
      expect(store.reads).toEqual({ whole: 1, tail: 0, eventsRead: 2000 });
      // ...the next ones only what is new.
      store.resetCounts();
      expect((await a.execute(request(subjectId, transfer()))).status).toBe(201);
      expect(store.reads).toEqual({ whole: 0, tail: 1, eventsRead: 0 });
      // A key among the first events, with no recorded answer, is still found in the stream.
      const recovered = await a.execute(request(subjectId, transfer(), 'k-7'));
      expect(recovered.body.events.map((event) => event.id)).toEqual([earlier[7]?.id]);
      expect(await store.readStream(streamOf(subjectId))).toHaveLength(2002);
    });
  });
});

/** An event some earlier command wrote with an Idempotency-Key (no hash: fixtures may have none). */
const filler = (subjectId: string, key: string): NewEvent => ({
  id: randomUUID(),
  type: 'data-transferred',
  occurredAt: '2026-01-01T00:00:00.000Z',
  recordedAt: '2026-01-01T00:00:00.000Z',
  data: { reference: key },
  metadata: { tenantId: 'acme', subjectId, actor: 'a', correlationId: 'c', causationId: 'c', idempotencyKey: key },
});
