import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { removeDataDir, startLedger, type HttpAnswer, type RunningLedger } from '../support/ledger-app.js';
import { caughtUp, lastPosition } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath } from '../support/requests.js';
import { TestClock } from '../support/test-clock.js';

/** Nearest rank: the value at rank ceil(p·n) of the sorted values (integer arithmetic, no float surprises). */
const nearestRank = (values: readonly number[], percent: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((percent * sorted.length) / 100);
  return sorted[rank - 1]!;
};

describe('erasures: GET /v1/deletions and /v1/deletions/summary', () => {
  let ledger: RunningLedger;
  let clock: TestClock;

  beforeEach(async () => {
    clock = new TestClock('2026-01-01T00:00:00.000Z');
    ledger = await startLedger({ clock, env: { LEDGER_ERASURE_SYSTEMS: 'crm,backups', LEDGER_ERASURE_DAYS: '10' } });
  });
  afterEach(async () => {
    await ledger.close();
    removeDataDir(ledger.dataDir);
  });

  /**
   * Eight erasures over two tenants, observed at 2026-01-15T00:00Z (10 days to complete):
   *
   * | name | tenant | requested        | due              | confirmations                          | at 01-15            |
   * |------|--------|------------------|------------------|----------------------------------------|---------------------|
   * | e1   | A      | 2025-12-01 00:00 | 2025-12-11 00:00 | crm 12-02, backups 12-03 06:00         | completed, 54 h     |
   * | e2   | A      | 2025-12-05 00:00 | 2025-12-15 00:00 | crm 12-05 12:00, backups 12-06 00:00   | completed, 24 h     |
   * | e3   | B      | 2025-12-10 00:00 | 2025-12-20 00:00 | backups 12-10 02:00, crm 12-10 10:30   | completed, 10.5 h   |
   * | o1   | A      | 2025-12-20 00:00 | 2025-12-30 00:00 | none                                   | overdue             |
   * | late | B      | 2026-01-01 00:00 | 2026-01-11 00:00 | crm 01-01, backups 01-12 12:00 (late)  | completed, 276 h    |
   * | o2   | B      | 2026-01-02 00:00 | 2026-01-12 00:00 | backups 01-03                          | overdue             |
   * | p1   | A      | 2026-01-10 00:00 | 2026-01-20 00:00 | crm 01-11                              | open                |
   * | p2   | B      | 2026-01-12 00:00 | 2026-01-22 00:00 | crm 01-12 06:00                        | open                |
   */
  const seed = async () => {
    const tenantA = newTenant();
    const tenantB = newTenant();
    const subjects = new Map<string, string>();
    let at = 0;
    const ok = (answer: HttpAnswer): void => {
      expect(answer.status).toBe(201);
      at = Math.max(at, lastPosition(answer));
    };
    const path = (name: string, tenant: string) => {
      const subjectId = newSubject();
      subjects.set(name, subjectId);
      return subjectPath(tenant, subjectId);
    };
    const request = async (p: string, occurredAt: string) => ok(await ledger.post(`${p}/deletion-requests`, { occurredAt }));
    const confirm = async (p: string, system: string, occurredAt: string) =>
      ok(await ledger.post(`${p}/deletion-completions`, { system, occurredAt, evidence: `job ${system} ${occurredAt}` }));

    // Clock at 2026-01-01T00:00Z.
    // Recorded out of request order on purpose: lists follow requestedAt, not the log.
    const o1 = path('o1', tenantA);
    await request(o1, '2025-12-20T00:00:00Z');
    const e3 = path('e3', tenantB);
    await request(e3, '2025-12-10T00:00:00Z');
    await confirm(e3, 'backups', '2025-12-10T02:00:00Z');
    await confirm(e3, 'crm', '2025-12-10T10:30:00Z');
    const e1 = path('e1', tenantA);
    ok(await ledger.post(`${e1}/consents`, consentBody({ occurredAt: '2025-11-30T00:00:00Z' })));
    ok(await ledger.post(`${e1}/consents/withdrawals`, { occurredAt: '2025-12-01T00:00:00Z' }));
    await confirm(e1, 'crm', '2025-12-02T00:00:00Z');
    await confirm(e1, 'backups', '2025-12-03T06:00:00Z');
    const e2 = path('e2', tenantA);
    await request(e2, '2025-12-05T00:00:00Z');
    await confirm(e2, 'crm', '2025-12-05T12:00:00Z');
    await confirm(e2, 'backups', '2025-12-06T00:00:00Z');
    const late = path('late', tenantB);
    await request(late, '2026-01-01T00:00:00Z');
    await confirm(late, 'crm', '2026-01-01T00:00:00Z');

    // The last confirmation of `late` comes after its deadline: the clock must be there first.
    clock.set('2026-01-12T12:00:00.000Z');
    await confirm(late, 'backups', '2026-01-12T12:00:00Z');
    const o2 = path('o2', tenantB);
    await request(o2, '2026-01-02T00:00:00Z');
    await confirm(o2, 'backups', '2026-01-03T00:00:00Z');
    const p1 = path('p1', tenantA);
    await request(p1, '2026-01-10T00:00:00Z');
    await confirm(p1, 'crm', '2026-01-11T00:00:00Z');
    const p2 = path('p2', tenantB);
    await request(p2, '2026-01-12T00:00:00Z');
    await confirm(p2, 'crm', '2026-01-12T06:00:00Z');

    clock.set('2026-01-15T00:00:00.000Z');
    // On a busy machine the read models (FerretDB in CI) can take longer than the 2 s an `atLeast` read waits.
    await caughtUp(ledger, 30_000);
    const bySubject = new Map([...subjects].map(([name, subjectId]) => [subjectId, name]));
    return { tenantA, tenantB, at, name: (item: { subjectId: string }) => bySubject.get(item.subjectId) ?? `foreign:${item.subjectId}` };
  };

  type Seeded = Awaited<ReturnType<typeof seed>>;

  const listNames = async (seeded: Seeded, query: string): Promise<string[]> => {
    const answer = await ledger.get(`/v1/deletions?atLeast=${seeded.at}${query === '' ? '' : `&${query}`}`);
    expect(answer.status).toBe(200);
    return answer.body.deletions.map(seeded.name);
  };

  const summary = async (seeded: Seeded, query = '') => {
    const answer = await ledger.get(`/v1/deletions/summary?atLeast=${seeded.at}${query}`);
    expect(answer.status).toBe(200);
    return answer.body;
  };

  describe('GET /v1/deletions', () => {
    it('lists every erasure in request order, each with its state judged by the clock now', async () => {
      const seeded = await seed();
      const answer = await ledger.get(`/v1/deletions?atLeast=${seeded.at}`);
      expect(answer.body.nextCursor).toBeNull();
      const byName = Object.fromEntries(answer.body.deletions.map((d: any) => [seeded.name(d), d]));
      expect(answer.body.deletions.map(seeded.name)).toEqual(['e1', 'e2', 'e3', 'o1', 'late', 'o2', 'p1', 'p2']);
      expect(Object.fromEntries(Object.entries(byName).map(([name, d]: [string, any]) => [name, d.state]))).toEqual({
        e1: 'completed',
        e2: 'completed',
        e3: 'completed',
        o1: 'overdue',
        late: 'completed',
        o2: 'overdue',
        p1: 'open',
        p2: 'open',
      });
      expect(byName['late']).toMatchObject({
        tenantId: seeded.tenantB,
        deletionId: expect.any(String),
        trigger: 'subject-request',
        requestedAt: '2026-01-01T00:00:00.000Z',
        dueAt: '2026-01-11T00:00:00.000Z',
        completedAt: '2026-01-12T12:00:00.000Z',
        systems: ['crm', 'backups'],
        pendingSystems: [],
        hoursToComplete: 276,
        completedOnTime: false,
      });
      expect(byName['e1']).toMatchObject({
        tenantId: seeded.tenantA,
        trigger: 'all-consent-withdrawn',
        hoursToComplete: 54,
        completedOnTime: true,
      });
      expect(byName['e3']).toMatchObject({ hoursToComplete: 10.5, completedOnTime: true });
      expect(byName['o2']).toMatchObject({ state: 'overdue', completedAt: null, pendingSystems: ['crm'] });
      expect(byName['p1']).toMatchObject({ state: 'open', dueAt: '2026-01-20T00:00:00.000Z', pendingSystems: ['backups'] });
      expect(new Set(answer.body.deletions.map((d: any) => d.deletionId)).size).toBe(8);
    });

    it.each([
      ['state=open', ['p1', 'p2']],
      ['state=overdue', ['o1', 'o2']],
      ['state=completed', ['e1', 'e2', 'e3', 'late']],
    ])('filters ?%s, the states being disjoint', async (query, expected) => {
      const seeded = await seed();
      expect(await listNames(seeded, query)).toEqual(expected);
    });

    it('filters by tenant, alone and with a state', async () => {
      const seeded = await seed();
      expect(await listNames(seeded, `tenantId=${seeded.tenantA}`)).toEqual(['e1', 'e2', 'o1', 'p1']);
      expect(await listNames(seeded, `tenantId=${seeded.tenantB}`)).toEqual(['e3', 'late', 'o2', 'p2']);
      expect(await listNames(seeded, `tenantId=${seeded.tenantA}&state=completed`)).toEqual(['e1', 'e2']);
      expect(await listNames(seeded, `tenantId=${seeded.tenantB}&state=overdue`)).toEqual(['o2']);
      expect(await listNames(seeded, `tenantId=${seeded.tenantB}&state=open`)).toEqual(['p2']);
      expect(await listNames(seeded, `tenantId=${newTenant()}`)).toEqual([]);
    });

    it('pages in request order, every erasure once, with and without a filter', async () => {
      const seeded = await seed();
      const walk = async (query: string) => {
        const pages: string[][] = [];
        let cursor: string | null = null;
        do {
          const answer: HttpAnswer = await ledger.get(
            `/v1/deletions?atLeast=${seeded.at}&${query}${cursor === null ? '' : `&cursor=${cursor}`}`,
          );
          expect(answer.status).toBe(200);
          pages.push(answer.body.deletions.map(seeded.name));
          cursor = answer.body.nextCursor;
        } while (cursor !== null && pages.length < 20);
        return pages;
      };
      expect(await walk('limit=3')).toEqual([
        ['e1', 'e2', 'e3'],
        ['o1', 'late', 'o2'],
        ['p1', 'p2'],
      ]);
      expect(await walk('limit=3&state=completed')).toEqual([['e1', 'e2', 'e3'], ['late']]);
      expect(await walk(`limit=1&tenantId=${seeded.tenantB}&state=overdue`)).toEqual([['o2']]);
    });
  });

  describe('GET /v1/deletions/summary', () => {
    it('is all zeros, with null percentiles, before any erasure', async () => {
      const answer = await ledger.get('/v1/deletions/summary');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        open: 0,
        overdue: 0,
        completed: 0,
        completedOnTime: 0,
        p50HoursToComplete: null,
        p95HoursToComplete: null,
        pendingBySystem: { crm: 0, backups: 0 },
      });
    });

    it('counts open, overdue and completed erasures, on-time ones, nearest-rank percentiles and pending systems', async () => {
      const seeded = await seed();
      const hours = [54, 24, 10.5, 276];
      expect(nearestRank(hours, 50)).toBe(24);
      expect(nearestRank(hours, 95)).toBe(276);
      expect(await summary(seeded)).toEqual({
        open: 2,
        overdue: 2,
        completed: 4,
        completedOnTime: 3,
        p50HoursToComplete: nearestRank(hours, 50),
        p95HoursToComplete: nearestRank(hours, 95),
        pendingBySystem: { crm: 2, backups: 3 },
      });
    });

    it('takes p95 at rank ceil(0.95 n): the largest of 11 completions, not the 10th', async () => {
      const tenant = newTenant();
      let at = 0;
      const hours: number[] = [];
      for (let i = 0; i < 11; i++) {
        const path = subjectPath(tenant, newSubject());
        const day = `2025-12-${String(i + 1).padStart(2, '0')}`;
        const requested = await ledger.post(`${path}/deletion-requests`, { occurredAt: `${day}T00:00:00Z` });
        expect(requested.status).toBe(201);
        await ledger.post(`${path}/deletion-completions`, { system: 'crm', occurredAt: `${day}T00:30:00Z` });
        const done = await ledger.post(`${path}/deletion-completions`, {
          system: 'backups',
          occurredAt: `${day}T${String(i + 1).padStart(2, '0')}:00:00Z`,
        });
        expect(done.status).toBe(201);
        hours.push(i + 1);
        at = lastPosition(done);
      }
      await caughtUp(ledger, 30_000);
      const answer = await ledger.get(`/v1/deletions/summary?atLeast=${at}`);
      expect(answer.body).toMatchObject({ completed: 11, completedOnTime: 11, open: 0, overdue: 0 });
      expect(answer.body.p50HoursToComplete).toBe(nearestRank(hours, 50));
      expect(answer.body.p95HoursToComplete).toBe(nearestRank(hours, 95));
      expect([nearestRank(hours, 50), nearestRank(hours, 95)]).toEqual([6, 11]);
    });

    it('summarises one tenant when asked', async () => {
      const seeded = await seed();
      const hoursA = [54, 24];
      expect(await summary(seeded, `&tenantId=${seeded.tenantA}`)).toEqual({
        open: 1,
        overdue: 1,
        completed: 2,
        completedOnTime: 2,
        p50HoursToComplete: nearestRank(hoursA, 50),
        p95HoursToComplete: nearestRank(hoursA, 95),
        pendingBySystem: { crm: 1, backups: 2 },
      });
    });

    it('moves erasures from open to overdue when only the clock passes their deadline, with no new event', async () => {
      const seeded = await seed();
      const head = (await ledger.get('/health')).body.eventStore.lastPosition;
      const states = async () => {
        const body = await summary(seeded);
        return { open: body.open, overdue: body.overdue, completed: body.completed, pendingBySystem: body.pendingBySystem };
      };

      clock.set('2026-01-20T00:00:00.000Z'); // p1's deadline itself: not yet past it
      expect(await states()).toEqual({ open: 2, overdue: 2, completed: 4, pendingBySystem: { crm: 2, backups: 3 } });
      expect(await listNames(seeded, 'state=open')).toEqual(['p1', 'p2']);

      clock.advance(1);
      expect(await states()).toEqual({ open: 1, overdue: 3, completed: 4, pendingBySystem: { crm: 2, backups: 3 } });
      expect(await listNames(seeded, 'state=overdue')).toEqual(['o1', 'o2', 'p1']);
      expect(await listNames(seeded, 'state=open')).toEqual(['p2']);

      clock.set('2026-01-22T00:00:00.001Z');
      expect(await states()).toEqual({ open: 0, overdue: 4, completed: 4, pendingBySystem: { crm: 2, backups: 3 } });
      expect(await listNames(seeded, 'state=open')).toEqual([]);
      const all = await ledger.get(`/v1/deletions?tenantId=${seeded.tenantB}`);
      expect(all.body.deletions.find((d: any) => seeded.name(d) === 'p2').state).toBe('overdue');

      expect((await ledger.get('/health')).body.eventStore.lastPosition).toBe(head);
    });

    it('counts a completion that moves an overdue erasure to completed, late', async () => {
      const seeded = await seed();
      const o2 = (await ledger.get(`/v1/deletions?atLeast=${seeded.at}&tenantId=${seeded.tenantB}&state=overdue`)).body.deletions[0];
      const confirmed = await ledger.post(`${subjectPath(seeded.tenantB, o2.subjectId)}/deletion-completions`, {
        system: 'crm',
        occurredAt: '2026-01-14T00:00:00Z',
      });
      expect(confirmed.status).toBe(201);
      const hours = [54, 24, 10.5, 276, 12 * 24];
      expect(await summary({ ...seeded, at: lastPosition(confirmed) })).toEqual({
        open: 2,
        overdue: 1,
        completed: 5,
        completedOnTime: 3,
        p50HoursToComplete: nearestRank(hours, 50),
        p95HoursToComplete: nearestRank(hours, 95),
        pendingBySystem: { crm: 1, backups: 3 },
      });
      expect(nearestRank(hours, 50)).toBe(54);
    });
  });
});

describe('erasures: bad queries', () => {
  // The queries are refused before any store is read: one ledger serves every case.
  let ledger: RunningLedger;
  beforeAll(async () => {
    ledger = await startLedger({ env: { LEDGER_ERASURE_SYSTEMS: 'crm,backups', LEDGER_ERASURE_DAYS: '10' } });
  });
  afterAll(async () => {
    await ledger.close();
    removeDataDir(ledger.dataDir);
  });

  it.each([
    ['/v1/deletions?state=pending', 'state'],
    ['/v1/deletions?state=OPEN', 'state'],
    ['/v1/deletions?state=', 'state'],
    ['/v1/deletions?tenantId=a%2Fb', 'tenantId'],
    ['/v1/deletions?limit=0', 'limit'],
    ['/v1/deletions?cursor=%25%25', 'cursor'],
    ['/v1/deletions?atLeast=soon', 'atLeast'],
    ['/v1/deletions/summary?tenantId=%20', 'tenantId'],
    ['/v1/deletions/summary?state=open', 'state'],
  ])('refuses %s with 400 naming %s', async (url, field) => {
    const answer = await ledger.get(url);
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body.code).toBe('validation-failed');
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('refuses an atLeast beyond the log (no command answered it) with 400 naming atLeast', async () => {
    // After the product's 2 s wait, not the longer one the e2e ledgers use.
    const own = await startLedger({ env: { LEDGER_READ_YOUR_WRITES_TIMEOUT_MS: '2000' } });
    const answer = await own.get('/v1/deletions/summary?atLeast=999999');
    await own.close();
    removeDataDir(own.dataDir);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('validation-failed');
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual(['atLeast']);
  });
});
