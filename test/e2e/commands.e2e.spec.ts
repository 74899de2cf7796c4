import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { removeDataDir, startLedger, type RunningLedger } from '../support/ledger-app.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';
import { TestClock } from '../support/test-clock.js';

describe('commands over HTTP', () => {
  let ledger: RunningLedger;
  const clock = new TestClock('2026-03-01T10:00:00.000Z');

  beforeAll(async () => {
    ledger = await startLedger({ clock, env: { LEDGER_ERASURE_DAYS: '30', LEDGER_ERASURE_SYSTEMS: 'crm,backups' } });
  });
  afterAll(async () => {
    await ledger.close();
    removeDataDir(ledger.dataDir);
  });

  const subject = () => subjectPath(newTenant(), newSubject());

  describe('giving consent', () => {
    it('answers 201 with the event and its positions, and the audit stream shows it', async () => {
      const tenant = newTenant();
      const subjectId = newSubject();
      const answer = await ledger.post(`${subjectPath(tenant, subjectId)}/consents`, consentBody());
      expect(answer.status).toBe(201);
      expect(answer.body.subjectId).toBe(subjectId);
      expect(answer.body.events).toHaveLength(1);
      const [event] = answer.body.events;
      expect(event).toEqual({
        id: expect.any(String),
        type: 'consent-given',
        streamPosition: 0,
        globalPosition: expect.any(Number),
      });
      const [stored] = await ledger.auditEvents(`?tenantId=${tenant}`);
      expect(stored).toMatchObject({
        id: event.id,
        type: 'consent-given',
        streamId: `subject-${tenant}/${subjectId}`,
        globalPosition: event.globalPosition,
        occurredAt: '2026-03-01T10:00:00.000Z',
        recordedAt: '2026-03-01T10:00:00.000Z',
        data: { purposes: ['crm-access', 'usage-analytics'], policyVersion: '2024-06', channel: 'web' },
        metadata: { tenantId: tenant, subjectId, actor: 'unidentified-caller', idempotencyKey: null },
      });
    });

    it('answers 200 with no events when the consent is already granted under that version', async () => {
      const path = subject();
      await ledger.post(`${path}/consents`, consentBody());
      const again = await ledger.post(`${path}/consents`, consentBody());
      expect(again.status).toBe(200);
      expect(again.body.events).toEqual([]);
    });

    it('records the caller-reported time and the actor and correlation headers', async () => {
      const tenant = newTenant();
      const answer = await ledger.post(
        `${subjectPath(tenant, newSubject())}/consents`,
        consentBody({ occurredAt: '2026-02-28T09:00:00+05:30' }),
        { 'x-actor': 'signup-service', 'x-correlation-id': 'req-42' },
      );
      expect(answer.status).toBe(201);
      const [stored] = await ledger.auditEvents(`?tenantId=${tenant}`);
      expect(stored.occurredAt).toBe('2026-02-28T03:30:00.000Z');
      expect(stored.metadata).toMatchObject({ actor: 'signup-service', correlationId: 'req-42' });
    });

    it('accepts occurredAt up to 5 minutes ahead and refuses more', async () => {
      const ahead = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();
      expect((await ledger.post(`${subject()}/consents`, consentBody({ occurredAt: ahead(4 * 60_000) }))).status).toBe(201);
      const refused = await ledger.post(`${subject()}/consents`, consentBody({ occurredAt: ahead(6 * 60_000) }));
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([{ field: 'occurredAt', message: expect.stringContaining('5 minutes') }]);
    });
  });

  describe('withdrawing consent', () => {
    it('withdraws one purpose and keeps the erasure closed while another stays granted', async () => {
      const path = subject();
      await ledger.post(`${path}/consents`, consentBody());
      const answer = await ledger.post(`${path}/consents/withdrawals`, { purposes: ['usage-analytics'], channel: 'web' });
      expect(answer.status).toBe(201);
      expect(answer.body.events.map((e: { type: string }) => e.type)).toEqual(['consent-withdrawn']);
    });

    it('opens an erasure with a deadline when nothing stays granted', async () => {
      const tenant = newTenant();
      const path = subjectPath(tenant, newSubject());
      await ledger.post(`${path}/consents`, consentBody());
      const answer = await ledger.post(`${path}/consents/withdrawals`, { channel: 'email', reason: 'moving away' });
      expect(answer.status).toBe(201);
      expect(answer.body.events.map((e: { type: string }) => e.type)).toEqual(['consent-withdrawn', 'deletion-requested']);
      const events = await ledger.auditEvents(`?tenantId=${tenant}`);
      const requested = events.find((e) => e.type === 'deletion-requested');
      expect(requested.data).toMatchObject({
        requestedAt: '2026-03-01T10:00:00.000Z',
        dueAt: '2026-03-31T10:00:00.000Z',
        systems: ['crm', 'backups'],
        deletionId: expect.any(String),
      });
      expect(requested.metadata.causationId).toBe(events.find((e) => e.type === 'consent-withdrawn').id);
    });

    it('refuses to withdraw a purpose that is not granted', async () => {
      const path = subject();
      await ledger.post(`${path}/consents`, consentBody({ purposes: ['crm-access'] }));
      const answer = await ledger.post(`${path}/consents/withdrawals`, { purposes: ['marketing-communications'] });
      expect(answer.status).toBe(409);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ status: 409, code: 'consent-not-active', title: expect.any(String), type: expect.any(String) });
    });
  });

  describe('recording a transfer', () => {
    it('accepts a consent-based transfer while the purpose is granted and refuses it after withdrawal', async () => {
      const path = subject();
      await ledger.post(`${path}/consents`, consentBody());
      const accepted = await ledger.post(`${path}/transfers`, transferBody());
      expect(accepted.status).toBe(201);
      expect(accepted.body.events[0].type).toBe('data-transferred');
      await ledger.post(`${path}/consents/withdrawals`, { purposes: ['crm-access'] });
      const refused = await ledger.post(`${path}/transfers`, transferBody());
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('consent-not-active');
    });

    it('accepts a transfer on another legal basis without consent', async () => {
      const answer = await ledger.post(
        `${subject()}/transfers`,
        transferBody({ legalBasis: 'legal-obligation', recipient: { id: 'cert-in', name: 'CERT-In', kind: 'government' }, country: 'IN' }),
      );
      expect(answer.status).toBe(201);
    });
  });

  describe('erasure', () => {
    it('is requested, confirmed by each system, and then refuses new facts', async () => {
      const path = subject();
      await ledger.post(`${path}/consents`, consentBody());
      const requested = await ledger.post(`${path}/deletion-requests`, { reason: 'subject asked by e-mail' });
      expect(requested.status).toBe(201);
      expect((await ledger.post(`${path}/deletion-requests`, {})).body.code).toBe('erasure-already-open');

      const unknown = await ledger.post(`${path}/deletion-completions`, { system: 'mainframe' });
      expect(unknown.status).toBe(422);
      expect(unknown.body.code).toBe('unknown-system');

      const crm = await ledger.post(`${path}/deletion-completions`, { system: 'crm', evidence: 'ticket OPS-1' });
      expect(crm.status).toBe(201);
      expect((await ledger.post(`${path}/deletion-completions`, { system: 'crm' })).status).toBe(200);
      const backups = await ledger.post(`${path}/deletion-completions`, { system: 'backups' });
      expect(backups.status).toBe(201);

      const transfer = await ledger.post(`${path}/transfers`, transferBody({ legalBasis: 'contract' }));
      expect(transfer.status).toBe(409);
      expect(transfer.body.code).toBe('subject-erased');
    });

    it('answers no-open-erasure when a system confirms with nothing open', async () => {
      const answer = await ledger.post(`${subject()}/deletion-completions`, { system: 'crm' });
      expect(answer.status).toBe(409);
      expect(answer.body.code).toBe('no-open-erasure');
    });

    it('accepts an erasure request with no body at all', async () => {
      const answer = await ledger.post(`${subject()}/deletion-requests`);
      expect(answer.status).toBe(201);
    });
  });

  describe('routes', () => {
    it('answers an unknown route with a 404 problem', async () => {
      const answer = await ledger.get('/v1/nothing-here');
      expect(answer.status).toBe(404);
      expect(answer.body.code).toBe('not-found');
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
    });
  });
});
