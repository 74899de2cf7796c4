import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { ProjectionProgress } from '../../src/projections/projection-progress.js';
import { removeDataDir, startLedger, type RunningLedger } from '../support/ledger-app.js';
import { eventIds, eventually, lastPosition } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath } from '../support/requests.js';
import { TestClock } from '../support/test-clock.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('GET /v1/tenants/{t}/subjects/{s}', () => {
  let ledger: RunningLedger;
  let runner: ProjectionProgress;
  const clock = new TestClock('2026-03-01T10:00:00.000Z');

  beforeAll(async () => {
    ledger = await startLedger({
      clock,
      env: { LEDGER_ERASURE_DAYS: '30', LEDGER_ERASURE_SYSTEMS: 'crm,backups' },
      beforeListen: (app) => {
        runner = app.get(ProjectionProgress);
      },
    });
  });
  afterAll(async () => {
    await ledger.close();
    removeDataDir(ledger.dataDir);
  });

  describe('after commands', () => {
    it('shows granted purposes with version, time and proof once the read model has the consent (atLeast)', async () => {
      const tenant = newTenant();
      const subjectId = newSubject();
      const path = subjectPath(tenant, subjectId);
      const consent = await ledger.post(`${path}/consents`, consentBody({ occurredAt: '2026-02-20T08:00:00Z' }));
      expect(consent.status).toBe(201);

      const answer = await ledger.get(`${path}?atLeast=${lastPosition(consent)}`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        tenantId: tenant,
        subjectId,
        subjectType: 'end-user',
        purposes: {
          'crm-access': { status: 'granted', policyVersion: '2024-06', since: '2026-02-20T08:00:00.000Z', eventId: eventIds(consent)[0] },
          'usage-analytics': {
            status: 'granted',
            policyVersion: '2024-06',
            since: '2026-02-20T08:00:00.000Z',
            eventId: eventIds(consent)[0],
          },
        },
        erasure: { state: 'none', deletionId: null, requestedAt: null, dueAt: null, completedAt: null, pendingSystems: [] },
      });
      expect(Object.keys(answer.body.purposes).sort()).toEqual(['crm-access', 'usage-analytics']);
    });

    it('shows a partial withdrawal: the withdrawn purpose withdrawn, the other still granted, no erasure', async () => {
      const path = subjectPath(newTenant(), newSubject());
      const consent = await ledger.post(`${path}/consents`, consentBody());
      const withdrawal = await ledger.post(`${path}/consents/withdrawals`, { purposes: ['usage-analytics'], channel: 'email' });
      expect(withdrawal.status).toBe(201);

      const answer = await ledger.get(`${path}?atLeast=${lastPosition(withdrawal)}`);
      expect(answer.status).toBe(200);
      expect(answer.body.purposes['usage-analytics']).toEqual({
        status: 'withdrawn',
        policyVersion: '2024-06',
        since: clock.now().toISOString(),
        eventId: eventIds(withdrawal)[0],
      });
      expect(answer.body.purposes['crm-access']).toMatchObject({ status: 'granted', eventId: eventIds(consent)[0] });
      expect(answer.body.erasure.state).toBe('none');
    });

    it('opens an erasure, with its deadline and pending systems, when the last consent is withdrawn', async () => {
      const path = subjectPath(newTenant(), newSubject());
      await ledger.post(`${path}/consents`, consentBody());
      const withdrawal = await ledger.post(`${path}/consents/withdrawals`, { channel: 'web' });
      expect(withdrawal.body.events.map((e: { type: string }) => e.type)).toEqual(['consent-withdrawn', 'deletion-requested']);

      const answer = await ledger.get(`${path}?atLeast=${lastPosition(withdrawal)}`);
      const requestedAt = clock.now().toISOString();
      expect(answer.body.erasure).toEqual({
        state: 'open',
        deletionId: expect.any(String),
        requestedAt,
        dueAt: new Date(clock.now().getTime() + 30 * DAY_MS).toISOString(),
        completedAt: null,
        pendingSystems: ['crm', 'backups'],
        eventIds: [eventIds(withdrawal)[1]],
      });
      expect(Object.values(answer.body.purposes).map((p: any) => p.status)).toEqual(['withdrawn', 'withdrawn']);
    });

    it('reaches the same answer without atLeast, eventually', async () => {
      const path = subjectPath(newTenant(), newSubject());
      const consent = await ledger.post(`${path}/consents`, consentBody({ purposes: ['marketing-communications'] }));
      const fresh = await ledger.get(`${path}?atLeast=${lastPosition(consent)}`);
      expect(fresh.status).toBe(200);

      const settled = await eventually(
        () => ledger.get(path),
        (answer) => answer.status === 200 && JSON.stringify(answer.body) === JSON.stringify(fresh.body),
      );
      expect(settled.status).toBe(200);
      expect(settled.body).toEqual(fresh.body);
    });

    it('waits for a write that lands while the read is waiting, then answers with it', async () => {
      const path = subjectPath(newTenant(), newSubject());
      const head: number = (await ledger.get('/health')).body.eventStore.lastPosition;
      // Resolves once the read is waiting in the runner for that position.
      const waiting = new Promise<void>((resolve) => {
        const waitFor = runner.waitFor.bind(runner);
        const spy = jest.spyOn(runner, 'waitFor').mockImplementation((name, position, timeoutMs) => {
          const done = waitFor(name, position, timeoutMs);
          if (position === head + 1) {
            spy.mockRestore();
            resolve();
          }
          return done;
        });
      });
      const pending = ledger.get(`${path}?atLeast=${head + 1}`);
      await waiting;
      const consent = await ledger.post(`${path}/consents`, consentBody({ purposes: ['crm-access'] }));
      expect(lastPosition(consent)).toBe(head + 1);

      const answer = await pending;
      expect(answer.status).toBe(200);
      expect(answer.body.purposes['crm-access']).toMatchObject({ status: 'granted', eventId: eventIds(consent)[0] });
    });
  });

  describe('an unknown subject', () => {
    it('answers 404 not-found as problem+json', async () => {
      const answer = await ledger.get(subjectPath(newTenant(), newSubject()));
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ status: 404, code: 'not-found' });
    });

    it('answers 404 for a subject id that only another tenant knows, with and without asOf', async () => {
      const subjectId = newSubject();
      const consent = await ledger.post(`${subjectPath(newTenant(), subjectId)}/consents`, consentBody());
      const other = subjectPath(newTenant(), subjectId);
      const now = await ledger.get(`${other}?atLeast=${lastPosition(consent)}`);
      expect(now.status).toBe(404);
      expect(now.body.code).toBe('not-found');
      const then = await ledger.get(`${other}?asOf=2026-02-28T00:00:00Z`);
      expect(then.status).toBe(404);
      expect(then.body.code).toBe('not-found');
    });
  });

  describe('as of an instant (asOf)', () => {
    const consentAt = '2026-02-01T09:00:00.000Z';
    const withdrawalAt = '2026-02-10T09:00:00.000Z';

    const seed = async () => {
      const tenant = newTenant();
      const subjectId = newSubject();
      const path = subjectPath(tenant, subjectId);
      const consent = await ledger.post(`${path}/consents`, consentBody({ occurredAt: consentAt }));
      const withdrawal = await ledger.post(`${path}/consents/withdrawals`, { purposes: ['crm-access'], occurredAt: withdrawalAt });
      expect(withdrawal.status).toBe(201);
      return {
        tenant,
        subjectId,
        path,
        consentId: eventIds(consent)[0],
        withdrawalId: eventIds(withdrawal)[0],
        at: lastPosition(withdrawal),
      };
    };

    it('before any fact: the subject is known, with no purposes, no erasure and no proof', async () => {
      const { tenant, subjectId, path, at } = await seed();
      const answer = await ledger.get(`${path}?asOf=2026-01-15T00:00:00Z&atLeast=${at}`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        tenantId: tenant,
        subjectId,
        asOf: '2026-01-15T00:00:00.000Z',
        purposes: {},
        erasure: { state: 'none', deletionId: null, pendingSystems: [] },
        eventIds: [],
      });
    });

    it('between consent and withdrawal: granted, proven by the consent event', async () => {
      const { path, consentId } = await seed();
      const answer = await ledger.get(`${path}?asOf=2026-02-05T00:00:00Z`);
      expect(answer.status).toBe(200);
      expect(answer.body.purposes).toEqual({
        'crm-access': { status: 'granted', policyVersion: '2024-06', since: consentAt, eventId: consentId },
        'usage-analytics': { status: 'granted', policyVersion: '2024-06', since: consentAt, eventId: consentId },
      });
      expect(answer.body.eventIds).toEqual([consentId]);
    });

    it('counts a fact that happened exactly at the instant (the consent itself)', async () => {
      const { path, consentId } = await seed();
      const justBefore = await ledger.get(`${path}?asOf=2026-02-01T08:59:59.999Z`);
      expect(justBefore.body.purposes).toEqual({});
      const exactly = await ledger.get(`${path}?asOf=${consentAt}`);
      expect(exactly.body.purposes['crm-access']).toMatchObject({ status: 'granted', eventId: consentId });
    });

    it('after the withdrawal: withdrawn, proven by the withdrawal, while the other purpose stays granted', async () => {
      const { path, consentId, withdrawalId } = await seed();
      const answer = await ledger.get(`${path}?asOf=2026-02-20T00:00:00Z`);
      expect(answer.status).toBe(200);
      expect(answer.body.purposes['crm-access']).toEqual({
        status: 'withdrawn',
        policyVersion: '2024-06',
        since: withdrawalAt,
        eventId: withdrawalId,
      });
      expect(answer.body.purposes['usage-analytics']).toMatchObject({ status: 'granted', eventId: consentId });
      expect([...answer.body.eventIds].sort()).toEqual([consentId, withdrawalId].sort());
    });

    it('reads an instant given with a zone offset as the same UTC instant', async () => {
      const { path, withdrawalId } = await seed();
      // 14:30 at +05:30 is 09:00Z, the withdrawal's own instant.
      const answer = await ledger.get(`${path}?asOf=${encodeURIComponent('2026-02-10T14:30:00+05:30')}`);
      expect(answer.status).toBe(200);
      expect(answer.body.asOf).toBe(withdrawalAt);
      expect(answer.body.purposes['crm-access']).toMatchObject({ status: 'withdrawn', eventId: withdrawalId });
    });

    it('shows an erasure opened by the last withdrawal as open at first and overdue at an instant past its deadline', async () => {
      const path = subjectPath(newTenant(), newSubject());
      await ledger.post(`${path}/consents`, consentBody({ occurredAt: '2026-01-01T00:00:00Z' }));
      const withdrawal = await ledger.post(`${path}/consents/withdrawals`, { occurredAt: '2026-01-02T00:00:00Z' });
      const [withdrawnId, requestedId] = eventIds(withdrawal);

      const open = await ledger.get(`${path}?asOf=2026-01-10T00:00:00Z`);
      expect(open.body.erasure).toMatchObject({
        state: 'open',
        requestedAt: '2026-01-02T00:00:00.000Z',
        dueAt: '2026-02-01T00:00:00.000Z',
        pendingSystems: ['crm', 'backups'],
      });
      expect([...open.body.eventIds].sort()).toEqual([withdrawnId, requestedId].sort());
      const overdue = await ledger.get(`${path}?asOf=2026-02-15T00:00:00Z`);
      expect(overdue.body.erasure.state).toBe('overdue');
    });
  });

  describe('an erasure as time passes', () => {
    let own: RunningLedger | undefined;
    afterEach(async () => {
      if (own) {
        await own.close();
        removeDataDir(own.dataDir);
        own = undefined;
      }
    });

    it('is open, then overdue when only the clock passes its deadline, then completed once every system confirms', async () => {
      const ownClock = new TestClock('2026-01-01T00:00:00.000Z');
      own = await startLedger({ clock: ownClock, env: { LEDGER_ERASURE_DAYS: '10', LEDGER_ERASURE_SYSTEMS: 'crm,backups' } });
      const path = subjectPath(newTenant(), newSubject());
      await own.post(`${path}/consents`, consentBody());
      const requested = await own.post(`${path}/deletion-requests`, { reason: 'asked by phone' });
      expect(requested.status).toBe(201);
      const at = lastPosition(requested);

      const open = await own.get(`${path}?atLeast=${at}`);
      expect(open.body.erasure).toEqual({
        state: 'open',
        deletionId: expect.any(String),
        requestedAt: '2026-01-01T00:00:00.000Z',
        dueAt: '2026-01-11T00:00:00.000Z',
        completedAt: null,
        pendingSystems: ['crm', 'backups'],
        eventIds: eventIds(requested),
      });

      ownClock.set('2026-01-11T00:00:00.000Z');
      expect((await own.get(path)).body.erasure.state).toBe('open');
      ownClock.advance(1);
      const overdue = await own.get(path);
      expect(overdue.body.erasure).toMatchObject({ state: 'overdue', pendingSystems: ['crm', 'backups'] });
      expect(overdue.body.position).toBe(at);

      const crm = await own.post(`${path}/deletion-completions`, { system: 'crm' });
      const afterCrm = await own.get(`${path}?atLeast=${lastPosition(crm)}`);
      expect(afterCrm.body.erasure).toMatchObject({ state: 'overdue', pendingSystems: ['backups'], completedAt: null });

      ownClock.advance(DAY_MS);
      const backups = await own.post(`${path}/deletion-completions`, { system: 'backups' });
      const done = await own.get(`${path}?atLeast=${lastPosition(backups)}`);
      expect(done.body.erasure).toEqual({
        state: 'completed',
        deletionId: open.body.erasure.deletionId,
        requestedAt: '2026-01-01T00:00:00.000Z',
        dueAt: '2026-01-11T00:00:00.000Z',
        completedAt: '2026-01-12T00:00:00.001Z',
        pendingSystems: [],
        eventIds: [...eventIds(requested), ...eventIds(crm), ...eventIds(backups)],
      });
      ownClock.advance(365 * DAY_MS);
      expect((await own.get(path)).body.erasure.state).toBe('completed');
    });
  });

  describe('freshness (atLeast)', () => {
    // The product's wait (2 s by default), not the longer one the other e2e ledgers use.
    let fresh: RunningLedger;
    beforeAll(async () => {
      fresh = await startLedger({ env: { LEDGER_READ_YOUR_WRITES_TIMEOUT_MS: '2000' } });
    });
    afterAll(async () => {
      await fresh.close();
      removeDataDir(fresh.dataDir);
    });

    it('answers 400 naming atLeast after about 2 s when the position is far beyond the log (no command answered it)', async () => {
      const path = subjectPath(newTenant(), newSubject());
      const consent = await fresh.post(`${path}/consents`, consentBody());
      const started = Date.now();
      const answer = await fresh.get(`${path}?atLeast=${lastPosition(consent) + 1_000_000}`);
      const elapsed = Date.now() - started;
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ status: 400, code: 'validation-failed', errors: [{ field: 'atLeast' }] });
      expect(elapsed).toBeGreaterThanOrEqual(1900);
      expect(elapsed).toBeLessThan(3500);
    });

    it('answers at once when the position is already applied', async () => {
      const path = subjectPath(newTenant(), newSubject());
      const consent = await fresh.post(`${path}/consents`, consentBody());
      await fresh.get(`${path}?atLeast=${lastPosition(consent)}`);
      const started = Date.now();
      const answer = await fresh.get(`${path}?atLeast=${lastPosition(consent)}`);
      expect(answer.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(1000);
    });
  });

  describe('bad query values', () => {
    it.each([
      ['asOf=yesterday', 'asOf'],
      ['asOf=2026-02-10T09:00:00', 'asOf'],
      ['asOf=2026-02-31T00:00:00Z', 'asOf'],
      ['asOf=', 'asOf'],
      ['atLeast=abc', 'atLeast'],
      ['atLeast=-1', 'atLeast'],
      ['atLeast=1.5', 'atLeast'],
      ['atLeast=1e3', 'atLeast'],
      ['atLeast=', 'atLeast'],
      ['colour=blue', 'colour'],
    ])('refuses ?%s with 400 naming %s', async (query, field) => {
      const path = subjectPath(newTenant(), newSubject());
      await ledger.post(`${path}/consents`, consentBody());
      const answer = await ledger.get(`${path}?${query}`);
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body.code).toBe('validation-failed');
      expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });
  });
});
