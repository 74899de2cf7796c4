import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { openEventStoreDb } from '../../src/event-store/eventstoredb/eventstoredb-event-store.js';
import type { EventStore, StoredEvent } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { GENESIS_HASH, eventHash } from '../../src/evidence/event-hash.js';
import { verifyLog } from '../../src/evidence/verify-log.js';
import { openSqliteFile } from '../../src/platform/sqlite/sqlite-file.js';
import { EsdbProtocolTestServer } from '../esdb/esdb-protocol-test-server.js';
import { removeDataDir, startLedger, type RunningLedger } from '../support/ledger-app.js';
import { storedFormOf } from '../support/sealed-events.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';

/** One small scenario; returns the stream ids in the order the subjects were created. */
const scenario = async (ledger: RunningLedger, tenant: string): Promise<string[]> => {
  const subjects = [newSubject(), newSubject()];
  const [a, b] = subjects.map((s) => subjectPath(tenant, s)) as [string, string];
  const answers = [
    await ledger.post(`${a}/consents`, consentBody()),
    await ledger.post(`${b}/deletion-requests`, { reason: 'asked' }),
    await ledger.post(`${a}/transfers`, transferBody()),
    await ledger.post(`${a}/consents/withdrawals`, {}), // three events in one append (withdrawal, erasure, its recipient notice)
    await ledger.post(`${b}/deletion-completions`, { system: 'crm' }),
    await ledger.post(`${a}/deletion-completions`, { system: 'crm' }),
  ];
  expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(201));
  return subjects.map((s) => `subject-${tenant}/${s}`);
};

/** What must be the same on every store: per stream, types and how each event links. */
const chainShape = (events: readonly StoredEvent[], streams: readonly string[]) =>
  streams.map((streamId) => {
    const own = events.filter((e) => e.streamId === streamId);
    return own.map((event, index) => ({
      type: event.type,
      streamPosition: event.streamPosition,
      prev:
        event.metadata.prevHash === GENESIS_HASH
          ? 'genesis'
          : event.metadata.prevHash === own[index - 1]?.metadata.hash
            ? 'previous'
            : 'BROKEN',
      hashIsOwn: event.metadata.hash === eventHash(event),
    }));
  });

const readAll = async (store: EventStore): Promise<StoredEvent[]> => {
  const events: StoredEvent[] = [];
  for await (const event of store.readAll()) events.push(event);
  return events;
};

describe('the hash chain on both event stores', () => {
  const server = new EsdbProtocolTestServer({ batchAppend: true });
  let connectionString: string;
  let embedded: { events: StoredEvent[]; audit: any[]; streams: string[] };
  let esdb: { events: StoredEvent[]; audit: any[]; streams: string[] };

  const run = async (env: Record<string, string>, read: (ledger: RunningLedger) => Promise<EventStore>) => {
    const ledger = await startLedger({ env: { LEDGER_ERASURE_SYSTEMS: 'crm,backups', ...env } });
    try {
      const tenant = newTenant();
      const streams = await scenario(ledger, tenant);
      // Concurrent commands on one subject: conflicts are retried and re-chained on fresh history.
      const racing = subjectPath(tenant, newSubject());
      await ledger.post(`${racing}/consents`, consentBody());
      const raced = await Promise.all(
        Array.from({ length: 6 }, (_, i) => ledger.post(`${racing}/transfers`, transferBody({ reference: `r-${i}` }))),
      );
      expect(raced.every((a) => a.status === 201 || a.body.code === 'concurrent-modification')).toBe(true);
      const audit = await ledger.auditEvents(`?tenantId=${tenant}`);
      const store = await read(ledger);
      try {
        const verdict = await verifyLog(store.readAll());
        expect(verdict).toMatchObject({ ok: true, unhashed: 0 });
        return { events: (await readAll(store)).filter((e) => e.metadata.tenantId === tenant), audit, streams };
      } finally {
        await store.close();
      }
    } finally {
      await ledger.close();
      removeDataDir(ledger.dataDir);
    }
  };

  beforeAll(async () => {
    ({ connectionString } = await server.start());
    embedded = await run({}, async (ledger) => new SqliteEventStore(openSqliteFile(join(ledger.dataDir, 'events.sqlite'))));
    esdb = await run({ EVENTSTORE_CONNECTION_STRING: connectionString }, () => openEventStoreDb(connectionString));
  }, 60_000);
  afterAll(async () => {
    await server.stop();
  });

  it('shows prevHash and hash in the audit stream, chained per stream', () => {
    for (const { audit } of [embedded, esdb]) {
      expect(audit.length).toBeGreaterThan(8);
      for (const event of audit) {
        expect(Object.keys(event.metadata).sort()).toEqual([
          'actor',
          'causationId',
          'correlationId',
          'hash',
          'idempotencyKey',
          'prevHash',
          'subjectId',
          'tenantId',
        ]);
        expect(event.metadata.hash).toMatch(/^[0-9a-f]{64}$/);
        // The hash covers the stored form: personal values sealed, as `sealed` gives them back.
        expect(event.metadata.hash).toBe(eventHash(storedFormOf(event) as StoredEvent));
      }
      const byStream = new Map<string, any[]>();
      for (const event of audit) byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event]);
      for (const events of byStream.values()) {
        events.forEach((event: any, index: number) => {
          expect(event.streamPosition).toBe(index);
          expect(event.metadata.prevHash).toBe(index === 0 ? GENESIS_HASH : events[index - 1].metadata.hash);
        });
      }
    }
  });

  it('gives the same chain structure on the embedded store and on EventStoreDB', () => {
    const shape = chainShape(embedded.events, embedded.streams);
    expect(shape.flat().length).toBe(8);
    expect(shape.flat().every((e) => e.prev !== 'BROKEN' && e.hashIsOwn)).toBe(true);
    expect(chainShape(esdb.events, esdb.streams)).toEqual(shape);
  });

  it('keeps the same hashes when the same events are stored in EventStoreDB', async () => {
    // The chain is computed before the store: the embedded store's events, appended as they are
    // to EventStoreDB, read back with the very same hashes and still verify.
    const store = await openEventStoreDb(connectionString);
    try {
      for (const streamId of embedded.streams) {
        const own = embedded.events.filter((e) => e.streamId === streamId);
        const news = own.map(({ streamId: _s, streamPosition: _p, globalPosition: _g, ...event }) => event);
        await store.append(streamId, news, 'no-stream');
        const back = await store.readStream(streamId);
        expect(back.map((e) => [e.id, e.metadata.prevHash, e.metadata.hash, eventHash(e)])).toEqual(
          own.map((e) => [e.id, e.metadata.prevHash, e.metadata.hash, e.metadata.hash]),
        );
      }
      expect(await verifyLog(store.readAll())).toMatchObject({ ok: true, unhashed: 0 });
    } finally {
      await store.close();
    }
  });
});
