import { afterEach, describe, expect, it } from '@jest/globals';
import { parseConfig } from '../../src/config/ledger-config.js';
import { PROJECTIONS as ALL_PROJECTIONS } from '../../src/app.projections.js';
import type { ReadStore } from '../../src/read-store/read-store.port.js';
import { openReadStore } from '../../src/stores/open-stores.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { mongoFor, newDataDir, removeDataDir, startLedger, type HttpAnswer, type RunningLedger } from '../support/ledger-app.js';
import { caughtUp, csvObjects, eventIds, lastPosition, type HealthAnswer } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';
import { TestClock } from '../support/test-clock.js';

const PROJECTIONS = ALL_PROJECTIONS.map((projection) => projection.name).sort();
const ENV = { LEDGER_ERASURE_SYSTEMS: 'crm,backups', LEDGER_ERASURE_DAYS: '10' };

describe('read models across restarts', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  /** A data dir removed after the test, and apps on it closed after the test (if still open). */
  const dataDir = (): string => {
    const dir = newDataDir();
    cleanup.push(async () => removeDataDir(dir));
    return dir;
  };
  const start = async (dir: string, clock: TestClock): Promise<RunningLedger> => {
    const ledger = await startLedger({ dataDir: dir, clock, env: ENV });
    let open = true;
    const close = ledger.close.bind(ledger);
    cleanup.push(async () => {
      if (open) await close();
    });
    return {
      ...ledger,
      close: async () => {
        open = false;
        await close();
      },
    };
  };

  const expectCreated = (answer: HttpAnswer): HttpAnswer => {
    expect(answer.status).toBe(201);
    return answer;
  };

  /** Facts for every read model: consents, a partial and a full withdrawal, transfers, erasures open and completed. */
  const seed = async (ledger: RunningLedger) => {
    const tenant = newTenant();
    const [alice, bob, carol] = [newSubject(), newSubject(), newSubject()];
    const answers: HttpAnswer[] = [];
    const post = async (subjectId: string, route: string, body: unknown) => {
      answers.push(expectCreated(await ledger.post(`${subjectPath(tenant, subjectId)}${route}`, body)));
    };
    await post(alice, '/consents', consentBody({ occurredAt: '2026-01-01T00:00:00Z' }));
    await post(alice, '/transfers', transferBody({ occurredAt: '2026-01-02T00:00:00Z' }));
    await post(alice, '/consents/withdrawals', { purposes: ['usage-analytics'], occurredAt: '2026-01-03T00:00:00Z' });
    await post(bob, '/consents', consentBody({ purposes: ['crm-access'], occurredAt: '2026-01-01T12:00:00Z' }));
    await post(
      bob,
      '/transfers',
      transferBody({
        country: 'IN',
        legalBasis: 'contract',
        recipient: { id: 'acme-in', name: 'Acme', kind: 'processor' },
        occurredAt: '2026-01-04T00:00:00Z',
      }),
    );
    await post(bob, '/consents/withdrawals', { occurredAt: '2026-01-05T00:00:00Z' });
    await post(bob, '/deletion-completions', { system: 'crm', occurredAt: '2026-01-06T00:00:00Z' });
    await post(bob, '/deletion-completions', { system: 'backups', occurredAt: '2026-01-07T00:00:00Z' });
    await post(carol, '/deletion-requests', { occurredAt: '2026-01-08T00:00:00Z' });
    await post(carol, '/deletion-completions', { system: 'backups', occurredAt: '2026-01-09T00:00:00Z' });
    return { tenant, subjects: [alice, bob, carol], eventCount: answers.flatMap(eventIds).length, at: lastPosition(answers.at(-1)!) };
  };

  type Seeded = Awaited<ReturnType<typeof seed>>;

  /** Every read answer the seeded facts show up in. */
  const readEverything = async (ledger: RunningLedger, seeded: Seeded, at = seeded.at) => {
    const get = async (path: string, headers?: Record<string, string>) => {
      const answer = await ledger.get(`${path}${path.includes('?') ? '&' : '?'}atLeast=${at}`, headers);
      expect(answer.status).toBe(200);
      return headers ? answer.text : answer.body;
    };
    const reads: Record<string, unknown> = {};
    for (const subjectId of seeded.subjects) {
      const path = subjectPath(seeded.tenant, subjectId);
      reads[`status ${subjectId}`] = await get(path);
      reads[`history ${subjectId}`] = await get(`${path}/history`);
      reads[`history csv ${subjectId}`] = await get(`${path}/history`, { accept: 'text/csv' });
    }
    reads['transfers'] = await get(`/v1/tenants/${seeded.tenant}/transfers`);
    reads['transfers csv'] = await get(`/v1/tenants/${seeded.tenant}/transfers`, { accept: 'text/csv' });
    reads['deletions'] = await get('/v1/deletions');
    reads['summary'] = await get('/v1/deletions/summary');
    return reads;
  };

  /** The read store the app on `dir` uses (SQLite, or MongoDB when MONGODB_URL is set), opened through its port. */
  const withReadStore = async <T>(dir: string, work: (store: ReadStore) => Promise<T>): Promise<T> => {
    const store = await openReadStore(parseConfig({ ...mongoFor(dir), LEDGER_DATA_DIR: dir }));
    try {
      return await work(store);
    } finally {
      await store.close();
    }
  };

  const checkpoints = (dir: string): Promise<{ projection: string; position: number }[]> =>
    withReadStore(dir, async (store) =>
      Promise.all([...PROJECTIONS].sort().map(async (projection) => ({ projection, position: await store.getCheckpoint(projection) }))),
    );

  const rewindCheckpoints = (dir: string, position: number): Promise<void> =>
    withReadStore(dir, async (store) => {
      for (const projection of PROJECTIONS) await store.resetCheckpoint(projection, position);
    });

  describe('after a crash between the read-model write and the checkpoint', () => {
    it.each([
      ['back to 0', () => 0],
      ['halfway back', (at: number) => Math.floor(at / 2)],
    ])('replays from a checkpoint %s without double-counting anything', async (_name, rewindTo) => {
      const dir = dataDir();
      const clock = new TestClock('2026-01-12T00:00:00.000Z');
      const first = await start(dir, clock);
      const seeded = await seed(first);
      await caughtUp(first);
      const before = await readEverything(first, seeded);
      await first.close();

      const target = rewindTo(seeded.at);
      expect(await checkpoints(dir)).toEqual([...PROJECTIONS].sort().map((projection) => ({ projection, position: seeded.at })));
      await rewindCheckpoints(dir, target);
      expect((await checkpoints(dir)).map((c) => c.position)).toEqual(PROJECTIONS.map(() => target));

      const second = await start(dir, clock);
      const health = await caughtUp(second);
      expect(health.eventStore.lastPosition).toBe(seeded.at);
      const after = await readEverything(second, seeded);
      expect(after).toEqual(before);

      // The same facts, counted once: spelled out as well as compared.
      const history = after[`history ${seeded.subjects[1]}`] as { entries: unknown[] };
      // Bob's six facts, the notice his erasure owes the transfer's recipient, and the shredding
      // of his personal data that completed his erasure.
      expect(history.entries).toHaveLength(8);
      const historyCsvRows = seeded.subjects.map((s) => csvObjects(after[`history csv ${s}`] as string).length);
      expect(historyCsvRows.reduce((a, b) => a + b, 0)).toBe(seeded.eventCount);
      expect((after['transfers'] as { transfers: unknown[] }).transfers).toHaveLength(2);
      expect(after['summary']).toEqual({
        open: 1,
        overdue: 0,
        completed: 1,
        completedOnTime: 1,
        p50HoursToComplete: 48,
        p95HoursToComplete: 48,
        pendingBySystem: { crm: 1, backups: 0 },
      });
      const bob = after[`status ${seeded.subjects[1]}`] as { erasure: { state: string; eventIds: string[] } };
      expect(bob.erasure.state).toBe('completed');
      expect(bob.erasure.eventIds).toHaveLength(4);

      await second.close();
      expect((await checkpoints(dir)).map((c) => c.position)).toEqual(PROJECTIONS.map(() => seeded.at));
      await withReadStore(dir, async (store) => {
        expect(await store.count('subject_history')).toBe(seeded.eventCount);
        expect(await store.count('erasure_monitor')).toBe(2);
      });
    });
  });

  describe('catching up after a restart', () => {
    it('keeps what was projected and adds the facts recorded after the restart', async () => {
      const dir = dataDir();
      const clock = new TestClock('2026-01-12T00:00:00.000Z');
      const first = await start(dir, clock);
      const seeded = await seed(first);
      const before = await readEverything(first, seeded);
      await first.close();

      const second = await start(dir, clock);
      const [alice] = seeded.subjects;
      const alicePath = subjectPath(seeded.tenant, alice!);
      const transfer = expectCreated(
        await second.post(
          `${alicePath}/transfers`,
          transferBody({ country: 'DE', legalBasis: 'contract', occurredAt: '2026-01-10T00:00:00Z' }),
        ),
      );
      const erasure = expectCreated(await second.post(`${alicePath}/consents/withdrawals`, { occurredAt: '2026-01-11T00:00:00Z' }));
      const at = lastPosition(erasure);

      const history = await second.get(`${alicePath}/history?atLeast=${at}`);
      const beforeHistory = before[`history ${alice}`] as { entries: { eventId: string }[] };
      expect(history.body.entries.map((e: { eventId: string }) => e.eventId)).toEqual([
        ...beforeHistory.entries.map((e) => e.eventId),
        ...eventIds(transfer),
        ...eventIds(erasure),
      ]);
      const status = await second.get(`${alicePath}?atLeast=${at}`);
      expect(status.body.purposes['crm-access']).toMatchObject({ status: 'withdrawn', eventId: eventIds(erasure)[0] });
      expect(status.body.erasure).toMatchObject({
        state: 'open',
        requestedAt: '2026-01-11T00:00:00.000Z',
        pendingSystems: ['crm', 'backups'],
      });

      const transfers = await second.get(`/v1/tenants/${seeded.tenant}/transfers?atLeast=${at}`);
      expect(transfers.body.transfers.map((t: { country: string }) => t.country)).toEqual(['SG', 'IN', 'DE']);
      const summary = await second.get(`/v1/deletions/summary?atLeast=${at}`);
      expect(summary.body).toMatchObject({ open: 2, overdue: 0, completed: 1 });
      expect(summary.body.pendingBySystem).toEqual({ crm: 2, backups: 1 });
    });

    it('rebuilds every read model from the log when the read models are lost', async () => {
      const dir = dataDir();
      const clock = new TestClock('2026-01-12T00:00:00.000Z');
      const first = await start(dir, clock);
      const seeded = await seed(first);
      const before = await readEverything(first, seeded);
      await first.close();
      if (process.env['MONGODB_URL']) {
        await withReadStore(dir, async (store) => {
          for (const projection of ALL_PROJECTIONS) {
            await store.clear(projection.collection.name);
            await store.resetCheckpoint(projection.name, 0);
          }
        });
      } else {
        for (const file of ['read-models.sqlite', 'read-models.sqlite-wal', 'read-models.sqlite-shm'])
          rmSync(join(dir, file), { force: true });
      }

      const second = await start(dir, clock);
      await caughtUp(second);
      expect(await readEverything(second, seeded)).toEqual(before);
    });
  });

  describe('GET /health', () => {
    it('lists every projection, running with lag 0, on an empty log', async () => {
      const first = await start(dataDir(), new TestClock('2026-01-12T00:00:00.000Z'));
      const health = await caughtUp(first);
      const answer = await first.get<HealthAnswer>('/health');
      expect(answer.status).toBe(200);
      expect(health.eventStore.lastPosition).toBe(0);
      expect(answer.body.status).toBe('ok');
      expect(answer.body.projections.map((p) => p.name).sort()).toEqual(PROJECTIONS);
      for (const projection of answer.body.projections) {
        expect(projection).toMatchObject({ state: 'running', position: 0, lag: 0, error: null, failedEventId: null });
      }
    });

    it('shows every projection at the last position with lag 0 once caught up after writes', async () => {
      const first = await start(dataDir(), new TestClock('2026-01-12T00:00:00.000Z'));
      const seeded = await seed(first);
      await first.get(`/v1/deletions/summary?atLeast=${seeded.at}`);
      await caughtUp(first);
      const answer = await first.get<HealthAnswer>('/health');
      expect(answer.status).toBe(200);
      expect(answer.body.eventStore.lastPosition).toBe(seeded.at);
      expect(answer.body.projections.map((p) => p.name).sort()).toEqual(PROJECTIONS);
      for (const projection of answer.body.projections) {
        expect(projection).toMatchObject({ state: 'running', position: seeded.at, lag: 0 });
      }
    });
  });
});
