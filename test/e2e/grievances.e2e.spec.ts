import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { removeDataDir, startLedger, type HttpAnswer, type RunningLedger } from '../support/ledger-app.js';
import { csvObjects, lastPosition, parseCsv } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath } from '../support/requests.js';
import { TestClock } from '../support/test-clock.js';

/**
 * Grievances (domain.md rule 7: redressed within one month of receipt), through the real
 * HTTP app: the commands, the ops read model, the subject's history and export.
 */

const grievanceBody = (overrides: Record<string, unknown> = {}) => ({
  category: 'consent',
  channel: 'email',
  receivedAt: '2026-01-31T09:00:00Z',
  description: 'I withdrew consent in January and you still send me offers.',
  ...overrides,
});

const resolutionBody = (overrides: Record<string, unknown> = {}) => ({
  outcome: 'upheld',
  resolvedAt: '2026-02-10T09:00:00Z',
  ...overrides,
});

/** Nearest rank: the value at rank ceil(p·n) of the sorted values. */
const nearestRank = (values: readonly number[], percent: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((percent * sorted.length) / 100) - 1]!;
};

const expectProblem = (answer: HttpAnswer, status: number, code: string, field?: string): void => {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toContain('application/problem+json');
  expect(answer.body).toMatchObject({ status, code, type: `urn:privacy-ledger:problem:${code}`, detail: expect.any(String) });
  if (field !== undefined) expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
};

describe('grievances', () => {
  describe('lodging and resolving', () => {
    let ledger: RunningLedger;
    const clock = new TestClock('2026-03-10T00:00:00.000Z');

    beforeAll(async () => {
      ledger = await startLedger({ clock, env: { LEDGER_ERASURE_SYSTEMS: 'crm,backups' } });
    });
    afterAll(async () => {
      await ledger.close();
      removeDataDir(ledger.dataDir);
    });

    const grievanceEvents = async (tenant: string) =>
      (await ledger.auditEvents(`?tenantId=${tenant}`)).filter((e) => e.type.startsWith('grievance-'));

    it('lodges a grievance for a subject the ledger did not know: 201 with its grievanceId, due one calendar month later (Jan 31 -> Feb 28)', async () => {
      const tenant = newTenant();
      const path = subjectPath(tenant, newSubject());
      expect((await ledger.get(path)).status).toBe(404);

      const answer = await ledger.post(
        `${path}/grievances`,
        grievanceBody({ channel: 'in-person', receivedAt: '2026-01-31T14:30:00+05:30' }),
        { 'x-actor': 'grievance-desk' },
      );

      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({
        subjectId: expect.any(String),
        grievanceId: expect.any(String),
        events: [{ id: expect.any(String), type: 'grievance-lodged', streamPosition: 0, globalPosition: expect.any(Number) }],
      });
      const [event] = await grievanceEvents(tenant);
      expect(event).toMatchObject({
        id: answer.body.events[0].id,
        type: 'grievance-lodged',
        occurredAt: '2026-01-31T09:00:00.000Z',
        data: {
          grievanceId: answer.body.grievanceId,
          category: 'consent',
          channel: 'in-person',
          receivedAt: '2026-01-31T09:00:00.000Z',
          dueAt: '2026-02-28T09:00:00.000Z',
          description: 'I withdrew consent in January and you still send me offers.',
        },
        metadata: { tenantId: tenant, actor: 'grievance-desk' },
      });
      // The grievance made the subject known.
      expect((await ledger.get(`${path}?atLeast=${lastPosition(answer)}`)).status).toBe(200);
    });

    it('keeps description out of the event when none is given', async () => {
      const tenant = newTenant();
      const { description: _left, ...body } = grievanceBody();
      const answer = await ledger.post(`${subjectPath(tenant, newSubject())}/grievances`, body);
      expect(answer.status).toBe(201);
      const [event] = await grievanceEvents(tenant);
      expect(Object.keys(event.data).sort()).toEqual(['category', 'channel', 'dueAt', 'grievanceId', 'receivedAt']);
    });

    it('accepts a receipt up to 5 minutes ahead of the clock', async () => {
      const answer = await ledger.post(
        `${subjectPath(newTenant(), newSubject())}/grievances`,
        grievanceBody({ receivedAt: '2026-03-10T00:04:59Z' }),
      );
      expect(answer.status).toBe(201);
    });

    it('resolves a grievance: 201 with grievance-resolved, on time or late as the deadline says', async () => {
      const tenant = newTenant();
      const path = subjectPath(tenant, newSubject());
      const early = await ledger.post(`${path}/grievances`, grievanceBody());
      const other = await ledger.post(`${path}/grievances`, grievanceBody({ category: 'marketing', receivedAt: '2026-02-01T00:00:00Z' }));

      const onTime = await ledger.post(
        `${path}/grievances/${early.body.grievanceId}/resolution`,
        resolutionBody({ outcome: 'partially-upheld' }),
      );
      const late = await ledger.post(
        `${path}/grievances/${other.body.grievanceId}/resolution`,
        resolutionBody({ outcome: 'rejected', resolvedAt: '2026-03-01T00:00:00.001Z' }),
      );

      expect(onTime.status).toBe(201);
      expect(onTime.body).toEqual({
        subjectId: expect.any(String),
        events: [{ id: expect.any(String), type: 'grievance-resolved', streamPosition: 2, globalPosition: expect.any(Number) }],
      });
      expect(late.status).toBe(201);
      const resolutions = (await grievanceEvents(tenant)).filter((e) => e.type === 'grievance-resolved');
      expect(resolutions.map((e) => ({ occurredAt: e.occurredAt, data: e.data }))).toEqual([
        {
          occurredAt: '2026-02-10T09:00:00.000Z',
          data: {
            grievanceId: early.body.grievanceId,
            outcome: 'partially-upheld',
            resolvedAt: '2026-02-10T09:00:00.000Z',
            dueAt: '2026-02-28T09:00:00.000Z',
            resolvedOnTime: true,
          },
        },
        {
          occurredAt: '2026-03-01T00:00:00.001Z',
          data: {
            grievanceId: other.body.grievanceId,
            outcome: 'rejected',
            resolvedAt: '2026-03-01T00:00:00.001Z',
            dueAt: '2026-03-01T00:00:00.000Z',
            resolvedOnTime: false,
          },
        },
      ]);
    });

    it('refuses a second resolution with 409 grievance-already-resolved, whatever its outcome, and writes nothing', async () => {
      const tenant = newTenant();
      const path = subjectPath(tenant, newSubject());
      const lodged = await ledger.post(`${path}/grievances`, grievanceBody());
      const resolution = `${path}/grievances/${lodged.body.grievanceId}/resolution`;
      expect((await ledger.post(resolution, resolutionBody())).status).toBe(201);

      expectProblem(await ledger.post(resolution, resolutionBody()), 409, 'grievance-already-resolved');
      expectProblem(
        await ledger.post(resolution, resolutionBody({ outcome: 'rejected', resolvedAt: '2026-02-11T00:00:00Z' })),
        409,
        'grievance-already-resolved',
      );
      expect((await grievanceEvents(tenant)).map((e) => e.type)).toEqual(['grievance-lodged', 'grievance-resolved']);
    });

    it('answers 404 not-found, naming grievanceId, for a grievance the subject never had, and writes nothing', async () => {
      const tenant = newTenant();
      const path = subjectPath(tenant, newSubject());
      const lodged = await ledger.post(`${path}/grievances`, grievanceBody());
      const unknownId = '01a222fe-0000-7000-8000-000000000000';

      expectProblem(await ledger.post(`${path}/grievances/${unknownId}/resolution`, resolutionBody()), 404, 'not-found', 'grievanceId');
      // Another subject's grievance is not this subject's, even in the same tenant.
      const otherSubject = subjectPath(tenant, newSubject());
      expectProblem(
        await ledger.post(`${otherSubject}/grievances/${lodged.body.grievanceId}/resolution`, resolutionBody()),
        404,
        'not-found',
      );
      // Nor another tenant's.
      expectProblem(
        await ledger.post(`${subjectPath(newTenant(), newSubject())}/grievances/${lodged.body.grievanceId}/resolution`, resolutionBody()),
        404,
        'not-found',
      );
      expect((await grievanceEvents(tenant)).map((e) => e.type)).toEqual(['grievance-lodged']);
    });

    it('after a completed erasure refuses a new grievance (409 subject-erased) but accepts the resolution of one lodged before', async () => {
      const tenant = newTenant();
      const path = subjectPath(tenant, newSubject());
      expect((await ledger.post(`${path}/consents`, consentBody({ occurredAt: '2026-01-01T00:00:00Z' }))).status).toBe(201);
      const lodged = await ledger.post(`${path}/grievances`, grievanceBody({ category: 'erasure' }));
      expect((await ledger.post(`${path}/consents/withdrawals`, { occurredAt: '2026-02-01T00:00:00Z' })).status).toBe(201);
      expect((await ledger.post(`${path}/deletion-completions`, { system: 'crm', occurredAt: '2026-02-02T00:00:00Z' })).status).toBe(201);
      expect((await ledger.post(`${path}/deletion-completions`, { system: 'backups', occurredAt: '2026-02-03T00:00:00Z' })).status).toBe(
        201,
      );

      expectProblem(await ledger.post(`${path}/grievances`, grievanceBody({ receivedAt: '2026-02-04T00:00:00Z' })), 409, 'subject-erased');
      const resolved = await ledger.post(
        `${path}/grievances/${lodged.body.grievanceId}/resolution`,
        resolutionBody({ resolvedAt: '2026-02-05T00:00:00Z' }),
      );

      expect(resolved.status).toBe(201);
      expect((await grievanceEvents(tenant)).map((e) => e.type)).toEqual(['grievance-lodged', 'grievance-resolved']);
    });

    it('gives a retry with the same Idempotency-Key the first answer, grievanceId included, and lodges once', async () => {
      const tenant = newTenant();
      const path = subjectPath(tenant, newSubject());
      const headers = { 'idempotency-key': 'grievance-GRV-2291' };
      const first = await ledger.post(`${path}/grievances`, grievanceBody(), headers);
      const retry = await ledger.post(`${path}/grievances`, grievanceBody(), headers);
      expect(first.status).toBe(201);
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(first.body.grievanceId).toEqual(expect.any(String));

      const resolveHeaders = { 'idempotency-key': 'resolve-GRV-2291' };
      const resolution = `${path}/grievances/${first.body.grievanceId}/resolution`;
      const resolved = await ledger.post(resolution, resolutionBody(), resolveHeaders);
      const resolvedAgain = await ledger.post(resolution, resolutionBody(), resolveHeaders);
      expect([resolved.status, resolvedAgain.status]).toEqual([201, 201]);
      expect(resolvedAgain.body).toEqual(resolved.body);

      expectProblem(await ledger.post(`${path}/grievances`, grievanceBody({ category: 'other' }), headers), 422, 'idempotency-key-reused');
      const events = await grievanceEvents(tenant);
      expect(events.map((e) => e.type)).toEqual(['grievance-lodged', 'grievance-resolved']);
      expect(events[0].metadata.idempotencyKey).toBe('grievance-GRV-2291');
    });
  });

  describe('with LEDGER_GRIEVANCE_DAYS', () => {
    let ledger: RunningLedger;

    beforeAll(async () => {
      ledger = await startLedger({ clock: new TestClock('2026-03-10T00:00:00.000Z'), env: { LEDGER_GRIEVANCE_DAYS: '90' } });
    });
    afterAll(async () => {
      await ledger.close();
      removeDataDir(ledger.dataDir);
    });

    it('sets the deadline that fixed number of days after receipt', async () => {
      const tenant = newTenant();
      const answer = await ledger.post(
        `${subjectPath(tenant, newSubject())}/grievances`,
        grievanceBody({ receivedAt: '2026-01-31T09:00:00Z' }),
      );
      expect(answer.status).toBe(201);
      const listed = await ledger.get(`/v1/grievances?tenantId=${tenant}&atLeast=${lastPosition(answer)}`);
      expect(listed.body.grievances).toEqual([
        expect.objectContaining({
          grievanceId: answer.body.grievanceId,
          receivedAt: '2026-01-31T09:00:00.000Z',
          dueAt: '2026-05-01T09:00:00.000Z',
        }),
      ]);
    });
  });

  describe('bad input', () => {
    let ledger: RunningLedger;
    let logLength: number;
    const tenant = newTenant();
    const path = subjectPath(tenant, newSubject());
    let grievanceId: string;

    beforeAll(async () => {
      // The product's 2 s `atLeast` wait: an atLeast beyond the log is refused after it.
      ledger = await startLedger({ clock: new TestClock('2026-03-10T00:00:00.000Z'), env: { LEDGER_READ_YOUR_WRITES_TIMEOUT_MS: '2000' } });
      const lodged = await ledger.post(`${path}/grievances`, grievanceBody({ receivedAt: '2026-03-01T00:00:00Z' }));
      expect(lodged.status).toBe(201);
      grievanceId = lodged.body.grievanceId;
      logLength = (await ledger.auditEvents()).length;
    });
    afterAll(async () => {
      await ledger.close();
      removeDataDir(ledger.dataDir);
    });

    const withoutField = (field: string) => {
      const body: Record<string, unknown> = grievanceBody();
      delete body[field];
      return body;
    };

    it.each([
      ['missing category', withoutField('category'), 'category'],
      ['unknown category', grievanceBody({ category: 'billing' }), 'category'],
      ['category in capitals', grievanceBody({ category: 'CONSENT' }), 'category'],
      ['missing channel', withoutField('channel'), 'channel'],
      ['a consent channel that is no grievance channel', grievanceBody({ channel: 'sms' }), 'channel'],
      ['missing receivedAt', withoutField('receivedAt'), 'receivedAt'],
      ['receivedAt without a zone', grievanceBody({ receivedAt: '2026-01-31T09:00:00' }), 'receivedAt'],
      ['receivedAt on a day that does not exist', grievanceBody({ receivedAt: '2026-02-30T09:00:00Z' }), 'receivedAt'],
      ['receivedAt is a number', grievanceBody({ receivedAt: 1767225600000 }), 'receivedAt'],
      ['receivedAt more than 5 minutes in the future', grievanceBody({ receivedAt: '2026-03-10T00:05:01Z' }), 'receivedAt'],
      ['description over 2000 characters', grievanceBody({ description: 'x'.repeat(2001) }), 'description'],
      ['blank description', grievanceBody({ description: '   ' }), 'description'],
      ['description is an object', grievanceBody({ description: { text: 'x' } }), 'description'],
      ['occurredAt instead of receivedAt', { ...withoutField('receivedAt'), occurredAt: '2026-01-31T09:00:00Z' }, 'occurredAt'],
      ['an unknown field', grievanceBody({ priority: 'high' }), 'priority'],
      ['a body that is an array', [grievanceBody()], 'body'],
    ])('lodging with %s: 400 naming the field, nothing written', async (_name, body, field) => {
      expectProblem(await ledger.post(`${path}/grievances`, body), 400, 'validation-failed', field);
      expect(await ledger.auditEvents()).toHaveLength(logLength);
    });

    it('lodging with a description of exactly 2000 characters is accepted (the limit itself)', async () => {
      const other = subjectPath(newTenant(), newSubject());
      const answer = await ledger.post(`${other}/grievances`, grievanceBody({ description: 'y'.repeat(2000) }));
      expect(answer.status).toBe(201);
      logLength += 1;
    });

    it.each([
      ['unknown outcome', () => resolutionBody({ outcome: 'settled' }), 'outcome'],
      ['missing outcome', () => ({ resolvedAt: '2026-03-05T00:00:00Z' }), 'outcome'],
      ['missing resolvedAt', () => ({ outcome: 'upheld' }), 'resolvedAt'],
      ['resolvedAt before the grievance was received', () => resolutionBody({ resolvedAt: '2026-02-28T23:59:59Z' }), 'resolvedAt'],
      ['resolvedAt more than 5 minutes in the future', () => resolutionBody({ resolvedAt: '2026-03-10T00:05:01Z' }), 'resolvedAt'],
      ['resolvedAt without a zone', () => resolutionBody({ resolvedAt: '2026-03-05T00:00:00' }), 'resolvedAt'],
      ['a free-text note (a resolution holds no personal data)', () => resolutionBody({ note: 'called the subject' }), 'note'],
    ])('resolving with %s: 400 naming the field, nothing written', async (_name, body, field) => {
      expectProblem(await ledger.post(`${path}/grievances/${grievanceId}/resolution`, body()), 400, 'validation-failed', field);
      expect(await ledger.auditEvents()).toHaveLength(logLength);
    });

    it('resolving a malformed grievance id: 400 naming grievanceId, nothing written', async () => {
      expectProblem(
        await ledger.post(`${path}/grievances/not_a_grievance/resolution`, resolutionBody()),
        400,
        'validation-failed',
        'grievanceId',
      );
      expect(await ledger.auditEvents()).toHaveLength(logLength);
    });

    it('still resolves the grievance afterwards (nothing was corrupted)', async () => {
      const answer = await ledger.post(
        `${path}/grievances/${grievanceId}/resolution`,
        resolutionBody({ resolvedAt: '2026-03-01T00:00:00Z' }),
      );
      expect(answer.status).toBe(201);
      expect(answer.body.events[0].streamPosition).toBe(1);
    });

    it.each([
      ['/v1/grievances?state=pending', 'state'],
      ['/v1/grievances?state=completed', 'state'],
      ['/v1/grievances?tenantId=a%2Fb', 'tenantId'],
      ['/v1/grievances?limit=0', 'limit'],
      ['/v1/grievances?cursor=%25%25', 'cursor'],
      ['/v1/grievances?atLeast=soon', 'atLeast'],
      ['/v1/grievances/summary?tenantId=%20', 'tenantId'],
      ['/v1/grievances/summary?state=open', 'state'],
    ])('refuses the query %s with 400 naming %s', async (url, field) => {
      expectProblem(await ledger.get(url), 400, 'validation-failed', field);
    });

    it('refuses an atLeast beyond the log with 400 naming atLeast', async () => {
      for (const url of ['/v1/grievances?atLeast=999999', '/v1/grievances/summary?atLeast=999999']) {
        expectProblem(await ledger.get(url), 400, 'validation-failed', 'atLeast');
      }
    });
  });

  describe('GET /v1/grievances and /v1/grievances/summary', () => {
    let ledger: RunningLedger;
    let clock: TestClock;

    beforeEach(async () => {
      clock = new TestClock('2026-03-10T00:00:00.000Z');
      ledger = await startLedger({ clock });
    });
    afterEach(async () => {
      await ledger.close();
      removeDataDir(ledger.dataDir);
    });

    /**
     * Six grievances over two tenants, observed at 2026-03-20T00:00Z (one calendar month to redress):
     *
     * | name | tenant | category  | received         | due              | resolution                         | at 03-20          |
     * |------|--------|-----------|------------------|------------------|------------------------------------|-------------------|
     * | g1   | A      | consent   | 2026-01-31 09:00 | 2026-02-28 09:00 | upheld 02-10 09:00 (240 h)         | resolved, on time |
     * | g2   | A      | access    | 2026-02-01 00:00 | 2026-03-01 00:00 | none                               | overdue           |
     * | g3   | B      | consent   | 2026-02-05 00:00 | 2026-03-05 00:00 | rejected 03-06 12:00 (708 h)       | resolved, late    |
     * | g4   | B      | security  | 2026-02-25 00:00 | 2026-03-25 00:00 | none                               | open              |
     * | g5   | A      | other     | 2026-03-09 00:00 | 2026-04-09 00:00 | withdrawn 03-09 06:00 (6 h)        | resolved, on time |
     * | g6   | B      | marketing | 2026-03-01 00:00 | 2026-04-01 00:00 | none                               | open              |
     *
     * g1 and g5 are grievances of one subject.
     */
    const seed = async () => {
      const tenantA = newTenant();
      const tenantB = newTenant();
      const byId = new Map<string, string>();
      let at = 0;
      const subjectOfA = subjectPath(tenantA, newSubject());
      const lodge = async (name: string, path: string, category: string, receivedAt: string) => {
        const answer = await ledger.post(
          `${path}/grievances`,
          grievanceBody({ category, receivedAt, description: `secret words of ${name}` }),
        );
        expect(answer.status).toBe(201);
        byId.set(answer.body.grievanceId, name);
        at = Math.max(at, lastPosition(answer));
        return { path, grievanceId: answer.body.grievanceId as string };
      };
      const resolve = async (grievance: { path: string; grievanceId: string }, outcome: string, resolvedAt: string) => {
        const answer = await ledger.post(`${grievance.path}/grievances/${grievance.grievanceId}/resolution`, { outcome, resolvedAt });
        expect(answer.status).toBe(201);
        at = Math.max(at, lastPosition(answer));
      };
      // Lodged out of receipt order on purpose: lists follow receivedAt, not the log.
      const g3 = await lodge('g3', subjectPath(tenantB, newSubject()), 'consent', '2026-02-05T00:00:00Z');
      const g1 = await lodge('g1', subjectOfA, 'consent', '2026-01-31T09:00:00Z');
      await lodge('g2', subjectPath(tenantA, newSubject()), 'access', '2026-02-01T00:00:00Z');
      await lodge('g6', subjectPath(tenantB, newSubject()), 'marketing', '2026-03-01T00:00:00Z');
      await lodge('g4', subjectPath(tenantB, newSubject()), 'security', '2026-02-25T00:00:00Z');
      const g5 = await lodge('g5', subjectOfA, 'other', '2026-03-09T00:00:00Z');
      await resolve(g1, 'upheld', '2026-02-10T09:00:00Z');
      await resolve(g3, 'rejected', '2026-03-06T12:00:00Z');
      await resolve(g5, 'withdrawn', '2026-03-09T06:00:00Z');
      clock.set('2026-03-20T00:00:00.000Z');
      return { tenantA, tenantB, at, name: (item: { grievanceId: string }) => byId.get(item.grievanceId) ?? `foreign:${item.grievanceId}` };
    };

    type Seeded = Awaited<ReturnType<typeof seed>>;

    const listNames = async (seeded: Seeded, query = ''): Promise<string[]> => {
      const answer = await ledger.get(`/v1/grievances?atLeast=${seeded.at}${query === '' ? '' : `&${query}`}`);
      expect(answer.status).toBe(200);
      return answer.body.grievances.map(seeded.name);
    };

    const summary = async (seeded: Seeded, query = '') => {
      const answer = await ledger.get(`/v1/grievances/summary?atLeast=${seeded.at}${query}`);
      expect(answer.status).toBe(200);
      return answer.body;
    };

    const noCategories = { consent: 0, access: 0, correction: 0, erasure: 0, transfer: 0, security: 0, marketing: 0, other: 0 };

    it('lists every grievance in receipt order, each with its state judged by the clock now, and no description', async () => {
      const seeded = await seed();
      const answer = await ledger.get(`/v1/grievances?atLeast=${seeded.at}`);
      expect(answer.body.nextCursor).toBeNull();
      expect(answer.body.grievances.map(seeded.name)).toEqual(['g1', 'g2', 'g3', 'g4', 'g6', 'g5']);
      const byName = Object.fromEntries(answer.body.grievances.map((g: any) => [seeded.name(g), g]));
      expect(Object.fromEntries(Object.entries(byName).map(([name, g]: [string, any]) => [name, g.state]))).toEqual({
        g1: 'resolved',
        g2: 'overdue',
        g3: 'resolved',
        g4: 'open',
        g5: 'resolved',
        g6: 'open',
      });
      expect(byName['g1']).toEqual({
        grievanceId: expect.any(String),
        tenantId: seeded.tenantA,
        subjectId: expect.any(String),
        state: 'resolved',
        category: 'consent',
        channel: 'email',
        receivedAt: '2026-01-31T09:00:00.000Z',
        dueAt: '2026-02-28T09:00:00.000Z',
        resolvedAt: '2026-02-10T09:00:00.000Z',
        outcome: 'upheld',
        hoursToResolve: 240,
        resolvedOnTime: true,
        ageHours: 1143,
      });
      expect(byName['g3']).toMatchObject({ tenantId: seeded.tenantB, outcome: 'rejected', hoursToResolve: 708, resolvedOnTime: false });
      expect(byName['g2']).toMatchObject({
        state: 'overdue',
        dueAt: '2026-03-01T00:00:00.000Z',
        resolvedAt: null,
        outcome: null,
        hoursToResolve: null,
        resolvedOnTime: null,
      });
      expect(byName['g1'].subjectId).toBe(byName['g5'].subjectId);
      // Ops read this model: the subject's own words are not in it.
      expect(answer.text).not.toContain('secret words');
      expect(answer.text).not.toContain('description');
    });

    it.each([
      ['state=open', ['g4', 'g6']],
      ['state=overdue', ['g2']],
      ['state=resolved', ['g1', 'g3', 'g5']],
    ])('filters ?%s, the states being disjoint', async (query, expected) => {
      const seeded = await seed();
      expect(await listNames(seeded, query)).toEqual(expected);
    });

    it('filters by tenant, alone and with a state, and pages in receipt order', async () => {
      const seeded = await seed();
      expect(await listNames(seeded, `tenantId=${seeded.tenantA}`)).toEqual(['g1', 'g2', 'g5']);
      expect(await listNames(seeded, `tenantId=${seeded.tenantB}&state=open`)).toEqual(['g4', 'g6']);
      expect(await listNames(seeded, `tenantId=${seeded.tenantA}&state=open`)).toEqual([]);
      expect(await listNames(seeded, `tenantId=${newTenant()}`)).toEqual([]);

      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const answer: HttpAnswer = await ledger.get(
          `/v1/grievances?atLeast=${seeded.at}&limit=4${cursor === null ? '' : `&cursor=${cursor}`}`,
        );
        expect(answer.status).toBe(200);
        pages.push(answer.body.grievances.map(seeded.name));
        cursor = answer.body.nextCursor;
      } while (cursor !== null && pages.length < 10);
      expect(pages).toEqual([
        ['g1', 'g2', 'g3', 'g4'],
        ['g6', 'g5'],
      ]);
    });

    it('moves grievances from open to overdue when only the clock passes their deadline, with no new event', async () => {
      const seeded = await seed();
      const head = (await ledger.get('/health')).body.eventStore.lastPosition;

      clock.set('2026-03-25T00:00:00.000Z'); // g4's deadline itself: not yet past it
      expect(await listNames(seeded, 'state=open')).toEqual(['g4', 'g6']);
      clock.advance(1);
      expect(await listNames(seeded, 'state=open')).toEqual(['g6']);
      expect(await listNames(seeded, 'state=overdue')).toEqual(['g2', 'g4']);
      expect(await summary(seeded)).toMatchObject({ open: 1, overdue: 2, resolved: 3 });

      expect((await ledger.get('/health')).body.eventStore.lastPosition).toBe(head);
    });

    it('is all zeros, with null percentiles and every category listed, before any grievance', async () => {
      const answer = await ledger.get('/v1/grievances/summary');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        open: 0,
        overdue: 0,
        resolved: 0,
        resolvedOnTime: 0,
        p50HoursToResolve: null,
        p95HoursToResolve: null,
        byCategory: noCategories,
      });
    });

    it('summarises open, overdue and resolved grievances, on-time ones, nearest-rank hours and categories, for all tenants or one', async () => {
      const seeded = await seed();
      const hours = [240, 708, 6];
      expect([nearestRank(hours, 50), nearestRank(hours, 95)]).toEqual([240, 708]);
      expect(await summary(seeded)).toEqual({
        open: 2,
        overdue: 1,
        resolved: 3,
        resolvedOnTime: 2,
        p50HoursToResolve: nearestRank(hours, 50),
        p95HoursToResolve: nearestRank(hours, 95),
        byCategory: { ...noCategories, consent: 2, access: 1, security: 1, marketing: 1, other: 1 },
      });

      const hoursA = [240, 6];
      expect(await summary(seeded, `&tenantId=${seeded.tenantA}`)).toEqual({
        open: 0,
        overdue: 1,
        resolved: 2,
        resolvedOnTime: 2,
        p50HoursToResolve: nearestRank(hoursA, 50),
        p95HoursToResolve: nearestRank(hoursA, 95),
        byCategory: { ...noCategories, consent: 1, access: 1, other: 1 },
      });
      expect(nearestRank(hoursA, 50)).toBe(6);
    });
  });

  describe("in the subject's history and export", () => {
    let ledger: RunningLedger;
    const clock = new TestClock('2026-03-10T00:00:00.000Z');
    const tenant = newTenant();
    const path = subjectPath(tenant, newSubject());
    const description = 'Your agent read my "private" notes aloud, on a call; I want an apology.';
    let lodged: HttpAnswer;
    let resolved: HttpAnswer;

    beforeAll(async () => {
      ledger = await startLedger({ clock });
      expect((await ledger.post(`${path}/consents`, consentBody({ occurredAt: '2026-01-02T00:00:00Z' }))).status).toBe(201);
      lodged = await ledger.post(
        `${path}/grievances`,
        grievanceBody({ category: 'security', channel: 'phone', receivedAt: '2026-01-31T09:00:00Z', description }),
      );
      expect(
        (await ledger.post(`${path}/grievances`, grievanceBody({ category: 'access', channel: 'web', receivedAt: '2026-02-01T00:00:00Z' })))
          .status,
      ).toBe(201);
      resolved = await ledger.post(
        `${path}/grievances/${lodged.body.grievanceId}/resolution`,
        resolutionBody({ outcome: 'upheld', resolvedAt: '2026-03-02T00:00:00Z' }),
      );
      expect(resolved.status).toBe(201);
    });
    afterAll(async () => {
      await ledger.close();
      removeDataDir(ledger.dataDir);
    });

    it('shows both facts in the timeline: plain words, structured fields, the description verbatim in its own field', async () => {
      const answer = await ledger.get(`${path}/history?atLeast=${lastPosition(resolved)}`);
      expect(answer.status).toBe(200);
      const entries = answer.body.entries;
      expect(entries.map((e: any) => e.type)).toEqual(['consent-given', 'grievance-lodged', 'grievance-lodged', 'grievance-resolved']);
      const [consent, first, second, resolution] = entries;
      expect(first).toMatchObject({
        eventId: lodged.body.events[0].id,
        occurredAt: '2026-01-31T09:00:00.000Z',
        grievanceId: lodged.body.grievanceId,
        category: 'security',
        channel: 'phone',
        dueAt: '2026-02-28T09:00:00.000Z',
        outcome: null,
        resolvedOnTime: null,
        grievanceDescription: description,
      });
      expect(first.description).toContain('security');
      expect(first.description).toContain('2026-02-28T09:00:00.000Z');
      expect(first.description).not.toContain('private');
      expect(second).toMatchObject({ category: 'access', grievanceDescription: expect.any(String) });
      expect(resolution).toMatchObject({
        occurredAt: '2026-03-02T00:00:00.000Z',
        grievanceId: lodged.body.grievanceId,
        outcome: 'upheld',
        dueAt: '2026-02-28T09:00:00.000Z',
        resolvedOnTime: false,
        grievanceDescription: null,
        category: null,
      });
      expect(resolution.description).toContain('late');
      expect(consent).toMatchObject({ grievanceId: null, category: null, outcome: null, resolvedOnTime: null, grievanceDescription: null });
      // Every entry keeps the same shape.
      for (const entry of entries) expect(Object.keys(entry).sort()).toEqual(Object.keys(consent).sort());
    });

    it('has the grievance columns in the CSV timeline, the description quoted as needed', async () => {
      const answer = await ledger.get(`${path}/history?atLeast=${lastPosition(resolved)}`, { accept: 'text/csv' });
      expect(answer.status).toBe(200);
      const rows = csvObjects(answer.text);
      expect(rows.map((r) => r['type'])).toEqual(['consent-given', 'grievance-lodged', 'grievance-lodged', 'grievance-resolved']);
      expect(rows[1]).toMatchObject({
        grievanceId: lodged.body.grievanceId,
        category: 'security',
        grievanceDescription: description,
        resolvedOnTime: '',
      });
      expect(rows[3]).toMatchObject({ grievanceId: lodged.body.grievanceId, outcome: 'upheld', resolvedOnTime: 'false' });
    });

    it('lists the grievances in the export, with receipt, deadline, state and resolution', async () => {
      const answer = await ledger.get(`${path}/export`);
      expect(answer.status).toBe(200);
      expect(answer.body.eventCount).toBe(4);
      expect(answer.body.grievances).toEqual([
        {
          grievanceId: lodged.body.grievanceId,
          eventId: lodged.body.events[0].id,
          category: 'security',
          channel: 'phone',
          description,
          receivedAt: '2026-01-31T09:00:00.000Z',
          recordedAt: '2026-03-10T00:00:00.000Z',
          dueAt: '2026-02-28T09:00:00.000Z',
          actor: 'unidentified-caller',
          state: 'resolved',
          outcome: 'upheld',
          resolvedAt: '2026-03-02T00:00:00.000Z',
          resolvedOnTime: false,
          resolutionEventId: resolved.body.events[0].id,
        },
        expect.objectContaining({
          category: 'access',
          description: 'I withdrew consent in January and you still send me offers.',
          dueAt: '2026-03-01T00:00:00.000Z',
          state: 'overdue',
          outcome: null,
          resolvedAt: null,
          resolvedOnTime: null,
          resolutionEventId: null,
        }),
      ]);
    });

    it('has a grievances section in the CSV export', async () => {
      const answer = await ledger.get(`${path}/export`, { accept: 'text/csv' });
      expect(answer.status).toBe(200);
      const records = parseCsv(answer.text);
      const start = records.findIndex((r) => r[0] === '# grievances');
      expect(start).toBeGreaterThan(0);
      const [header, first, second] = records.slice(start + 1);
      expect(header).toEqual([
        'grievanceId',
        'category',
        'channel',
        'receivedAt',
        'dueAt',
        'state',
        'outcome',
        'resolvedAt',
        'resolvedOnTime',
        'description',
      ]);
      expect(first).toEqual([
        lodged.body.grievanceId,
        'security',
        'phone',
        '2026-01-31T09:00:00.000Z',
        '2026-02-28T09:00:00.000Z',
        'resolved',
        'upheld',
        '2026-03-02T00:00:00.000Z',
        'false',
        description,
      ]);
      expect(second?.[5]).toBe('overdue');
    });
  });
});
