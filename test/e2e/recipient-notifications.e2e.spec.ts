import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { WebhookNoticeRecorder } from '../../src/commands/record-recipient-notification/webhook-notice.recorder.js';
import { removeDataDir, startLedger, type HttpAnswer, type RunningLedger } from '../support/ledger-app.js';
import { eventIds, lastPosition } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';
import { TestClock } from '../support/test-clock.js';

/**
 * GDPR Art. 19 through the real app: transfers to two recipients, an erasure that owes both a
 * notice, one told through the route, and what the monitor, the export and the certificate show.
 */
describe('recipient notification (Art. 19)', () => {
  let ledger: RunningLedger;
  let app: NestFastifyApplication | undefined;
  const clock = new TestClock('2026-03-01T00:00:00.000Z');

  beforeAll(async () => {
    ledger = await startLedger({
      clock,
      env: { LEDGER_ERASURE_SYSTEMS: 'crm,backups', LEDGER_ERASURE_DAYS: '30' },
      beforeListen: (nest) => {
        app = nest;
      },
    });
  });
  afterAll(async () => {
    await ledger.close();
    removeDataDir(ledger.dataDir);
  });

  const created = (answer: HttpAnswer): HttpAnswer => {
    expect([answer.status, answer.text]).toEqual([201, expect.any(String)]);
    return answer;
  };
  const deletionsOf = async (tenant: string, query: string, atLeast: number) => {
    const answer = await ledger.get(`/v1/deletions?tenantId=${tenant}&atLeast=${atLeast}${query}`);
    expect(answer.status).toBe(200);
    return answer.body.deletions as any[];
  };

  /** Consent, a consent-based transfer to `mailer` and a contract transfer to `aws-sg`, then an erasure request. */
  const erasureAfterTwoTransfers = async () => {
    const tenant = newTenant();
    const path = subjectPath(tenant, newSubject());
    created(
      await ledger.post(`${path}/consents`, consentBody({ purposes: ['marketing-communications'], occurredAt: '2026-02-01T00:00:00Z' })),
    );
    const toMailer = created(
      await ledger.post(
        `${path}/transfers`,
        transferBody({
          recipient: { id: 'mailer', name: 'Mailer Inc', kind: 'processor' },
          purpose: 'marketing-communications',
          dataCategories: ['pii.email-address', 'pii.name'],
          occurredAt: '2026-02-02T00:00:00Z',
        }),
      ),
    );
    const toHost = created(
      await ledger.post(
        `${path}/transfers`,
        transferBody({
          purpose: 'service-access',
          legalBasis: 'contract',
          dataCategories: ['pii.call-records'],
          occurredAt: '2026-02-03T00:00:00Z',
        }),
      ),
    );
    const requested = created(await ledger.post(`${path}/deletion-requests`, { occurredAt: '2026-03-01T00:00:00Z' }));
    return { tenant, path, toMailer, toHost, requested };
  };

  it('owes both recipients a notice when the erasure opens; one told by the route, one still owed; overdue after the deadline', async () => {
    const { tenant, path, requested } = await erasureAfterTwoTransfers();
    expect(requested.body.events.map((e: { type: string }) => e.type)).toEqual(['deletion-requested', 'recipient-notification-required']);
    const [required] = (await ledger.auditEvents(`?tenantId=${tenant}`)).filter((e) => e.type === 'recipient-notification-required');
    const deletionId = required.data.deletionId;
    expect(required.data).toEqual({
      notificationId: deletionId,
      cause: 'erasure',
      deletionId,
      dueAt: '2026-03-31T00:00:00.000Z',
      recipients: [
        expect.objectContaining({
          id: 'mailer',
          dataCategories: ['pii.email-address', 'pii.name'],
          purposes: ['marketing-communications'],
        }),
        expect.objectContaining({ id: 'aws-sg', kind: 'cloud-host', dataCategories: ['pii.call-records'], purposes: ['service-access'] }),
      ],
    });

    const [before] = await deletionsOf(tenant, '', lastPosition(requested));
    expect(before.recipientsOwed).toBe(2);
    expect(before.recipients.map((r: any) => [r.id, r.state, r.notifiedAt, r.channel])).toEqual([
      ['mailer', 'owed', null, null],
      ['aws-sg', 'owed', null, null],
    ]);

    clock.set('2026-03-03T00:00:00.000Z');
    const body = {
      recipientId: 'mailer',
      channel: 'email',
      evidence: 'message 7741 to privacy@mailer',
      occurredAt: '2026-03-02T09:00:00Z',
    };
    const told = created(await ledger.post(`${path}/recipient-notifications`, body, { 'idempotency-key': `notice-${deletionId}` }));
    expect(told.body.events.map((e: { type: string }) => e.type)).toEqual(['recipient-notified']);
    // Safe to retry: the same key and body answer the same, and nothing more is written.
    const retried = await ledger.post(`${path}/recipient-notifications`, body, { 'idempotency-key': `notice-${deletionId}` });
    expect([retried.status, retried.body]).toEqual([201, told.body]);
    const again = await ledger.post(`${path}/recipient-notifications`, { recipientId: 'mailer', channel: 'letter' });
    expect([again.status, again.body.events]).toEqual([200, []]);
    const notified = (await ledger.auditEvents(`?tenantId=${tenant}`)).filter((e) => e.type === 'recipient-notified');
    expect(notified.map((e) => e.data)).toEqual([
      {
        notificationId: deletionId,
        recipientId: 'mailer',
        cause: 'erasure',
        deletionId,
        channel: 'email',
        notifiedAt: '2026-03-02T09:00:00.000Z',
        evidence: 'message 7741 to privacy@mailer',
      },
    ]);

    const [after] = await deletionsOf(tenant, '', lastPosition(told));
    expect(after.recipientsOwed).toBe(1);
    expect(after.recipients).toEqual([
      expect.objectContaining({
        id: 'mailer',
        state: 'notified',
        notifiedAt: '2026-03-02T09:00:00.000Z',
        channel: 'email',
        eventId: eventIds(told)[0],
      }),
      expect.objectContaining({ id: 'aws-sg', state: 'owed', notifiedAt: null, channel: null, eventId: null }),
    ]);

    const exported = await ledger.get(`${path}/export?atLeast=${lastPosition(told)}`);
    expect(exported.status).toBe(200);
    const [notice] = exported.body.recipientNotifications;
    expect(notice).toMatchObject({ notificationId: deletionId, cause: 'erasure', dueAt: '2026-03-31T00:00:00.000Z' });
    expect(notice.recipients.map((r: any) => [r.id, r.state, r.notifiedAt, r.channel, r.evidence])).toEqual([
      ['mailer', 'notified', '2026-03-02T09:00:00.000Z', 'email', 'message 7741 to privacy@mailer'],
      ['aws-sg', 'owed', null, null, null],
    ]);
    expect(exported.body.erasures[0].recipients.map((r: any) => r.state)).toEqual(['notified', 'owed']);

    // Before the deadline nothing is overdue; after it, the untold recipient is.
    expect(await deletionsOf(tenant, '&recipients=overdue', lastPosition(told))).toEqual([]);
    expect((await deletionsOf(tenant, '&recipients=owed', lastPosition(told))).map((d) => d.deletionId)).toEqual([deletionId]);
    clock.set('2026-04-05T00:00:00.000Z');
    const overdue = await deletionsOf(tenant, '&recipients=overdue', lastPosition(told));
    expect(overdue.map((d) => [d.deletionId, d.recipients.map((r: any) => r.state)])).toEqual([[deletionId, ['notified', 'overdue']]]);
    expect(await deletionsOf(tenant, '&recipients=overdue&state=open', lastPosition(told))).toEqual([]);

    // The erasure completes in every system; the certificate lists who was told and who is late.
    created(await ledger.post(`${path}/deletion-completions`, { system: 'crm', occurredAt: '2026-04-01T00:00:00Z' }));
    const last = created(await ledger.post(`${path}/deletion-completions`, { system: 'backups', occurredAt: '2026-04-02T00:00:00Z' }));
    const certificate = await ledger.get(`${path}/erasure-certificate?atLeast=${lastPosition(last)}`);
    expect(certificate.status).toBe(200);
    expect(certificate.body.certificate.recipients).toEqual([
      expect.objectContaining({ id: 'mailer', state: 'notified', notifiedAt: '2026-03-02T09:00:00.000Z', channel: 'email' }),
      expect.objectContaining({ id: 'aws-sg', state: 'overdue', notifiedAt: null, channel: null }),
    ]);
    expect(certificate.body.certificate.eventIds).toEqual(expect.arrayContaining([eventIds(requested)[1], eventIds(told)[0]]));

    // Told after the erasure completed: accepted, but free-text evidence no longer is.
    const withEvidence = await ledger.post(`${path}/recipient-notifications`, {
      recipientId: 'aws-sg',
      channel: 'letter',
      evidence: 'letter 12',
    });
    expect([withEvidence.status, withEvidence.body.code, withEvidence.body.errors?.map((e: any) => e.field)]).toEqual([
      409,
      'subject-erased',
      ['evidence'],
    ]);
    const late = created(await ledger.post(`${path}/recipient-notifications`, { recipientId: 'aws-sg', channel: 'letter' }));
    const [done] = await deletionsOf(tenant, '', lastPosition(late));
    expect([done.recipientsOwed, done.recipients.map((r: any) => r.state)]).toEqual([0, ['notified', 'notified']]);
    expect(await deletionsOf(tenant, '&recipients=overdue', lastPosition(late))).toEqual([]);
    clock.set('2026-03-01T00:00:00.000Z');
  });

  it('refuses bad input and a recipient owed nothing with a 4xx naming the field, writing nothing', async () => {
    const { tenant, path } = await erasureAfterTwoTransfers();
    const before = (await ledger.auditEvents(`?tenantId=${tenant}`)).length;
    const cases: [unknown, number, string, string][] = [
      [{ channel: 'email' }, 400, 'validation-failed', 'recipientId'],
      [{ recipientId: 'mailer' }, 400, 'validation-failed', 'channel'],
      [{ recipientId: 'mailer', channel: 'pigeon' }, 400, 'validation-failed', 'channel'],
      [{ recipientId: 'not an id!', channel: 'email' }, 400, 'validation-failed', 'recipientId'],
      [{ recipientId: 'mailer', channel: 'email', notificationId: '../x' }, 400, 'validation-failed', 'notificationId'],
      [{ recipientId: 'mailer', channel: 'email', occurredAt: '2099-01-01T00:00:00Z' }, 400, 'validation-failed', 'occurredAt'],
      [{ recipientId: 'mailer', channel: 'email', extra: 1 }, 400, 'validation-failed', 'extra'],
      [{ recipientId: 'stranger', channel: 'email' }, 409, 'no-notification-owed', 'recipientId'],
      [
        { recipientId: 'mailer', channel: 'email', notificationId: '01a233c2-f978-7409-af1e-14e795eb4371' },
        409,
        'no-notification-owed',
        'notificationId',
      ],
    ];
    for (const [body, status, code, field] of cases) {
      const answer = await ledger.post(`${path}/recipient-notifications`, body);
      expect([JSON.stringify(body), answer.status, answer.body.code]).toEqual([JSON.stringify(body), status, code]);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const unknownSubject = await ledger.post(`${subjectPath(tenant, newSubject())}/recipient-notifications`, {
      recipientId: 'mailer',
      channel: 'email',
    });
    expect([unknownSubject.status, unknownSubject.body.code]).toEqual([409, 'no-notification-owed']);
    expect((await ledger.auditEvents(`?tenantId=${tenant}`)).length).toBe(before);
  });

  it('owes a notice on a withdrawal only to the recipients of transfers made on that consent', async () => {
    const tenant = newTenant();
    const path = subjectPath(tenant, newSubject());
    created(await ledger.post(`${path}/consents`, consentBody({ purposes: ['marketing-communications', 'usage-analytics'] })));
    created(
      await ledger.post(
        `${path}/transfers`,
        transferBody({ recipient: { id: 'mailer', name: 'Mailer Inc', kind: 'processor' }, purpose: 'marketing-communications' }),
      ),
    );
    created(await ledger.post(`${path}/transfers`, transferBody({ purpose: 'usage-analytics' })));
    const withdrawn = created(await ledger.post(`${path}/consents/withdrawals`, { purposes: ['marketing-communications'] }));
    expect(withdrawn.body.events.map((e: { type: string }) => e.type)).toEqual(['consent-withdrawn', 'recipient-notification-required']);
    const exported = await ledger.get(`${path}/export?atLeast=${lastPosition(withdrawn)}`);
    const [notice] = exported.body.recipientNotifications;
    expect(notice).toMatchObject({ cause: 'consent-withdrawn', deletionId: null, withdrawnPurposes: ['marketing-communications'] });
    expect(notice.recipients.map((r: any) => [r.id, r.state])).toEqual([['mailer', 'owed']]);
    // A withdrawal's notice belongs to no erasure: the monitor does not list it.
    expect(await deletionsOf(tenant, '', lastPosition(withdrawn))).toEqual([]);

    const told = created(
      await ledger.post(`${path}/recipient-notifications`, {
        recipientId: 'mailer',
        notificationId: notice.notificationId,
        channel: 'api',
      }),
    );
    const after = await ledger.get(`${path}/export?atLeast=${lastPosition(told)}`);
    expect(after.body.recipientNotifications[0].recipients.map((r: any) => [r.id, r.state, r.channel])).toEqual([
      ['mailer', 'notified', 'api'],
    ]);
  });

  it('records a webhook delivery to a recipient through the seam the delivery worker calls', async () => {
    const { tenant, path, requested } = await erasureAfterTwoTransfers();
    const deletionId = (await ledger.auditEvents(`?tenantId=${tenant}`)).find((e) => e.type === 'deletion-requested').data.deletionId;
    const recorder = app!.get(WebhookNoticeRecorder);
    const delivery = {
      tenantId: tenant,
      subjectId: path.split('/').at(-1)!,
      notificationId: deletionId,
      recipientId: 'aws-sg',
      webhookId: `msg_${deletionId}`,
      deliveredAt: '2026-03-01T00:00:05Z',
    };
    const first = await recorder.delivered(delivery);
    expect([first.status, first.body.events.map((e) => e.type)]).toEqual([201, ['recipient-notified']]);
    // At-least-once: the same delivery reported again writes nothing.
    const second = await recorder.delivered(delivery);
    expect([second.status, second.body.events]).toEqual([200, []]);
    const [erasure] = await deletionsOf(tenant, '', Math.max(lastPosition(requested), first.body.events[0]!.globalPosition));
    expect(erasure.recipients.find((r: any) => r.id === 'aws-sg')).toMatchObject({
      state: 'notified',
      channel: 'webhook',
      notifiedAt: '2026-03-01T00:00:05.000Z',
    });
    const [event] = (await ledger.auditEvents(`?tenantId=${tenant}`)).filter((e) => e.type === 'recipient-notified');
    expect([event.metadata.actor, event.metadata.correlationId]).toEqual(['webhook-delivery', `msg_${deletionId}`]);
  });
});
