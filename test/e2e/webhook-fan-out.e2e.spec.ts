import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { removeDataDir, startLedger, type LedgerClient, type RunningLedger } from '../support/ledger-app.js';
import { lastPosition } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';
import { WebhookReceiver, type Received } from '../support/webhook-receiver.js';

const SYSTEMS = ['crm', 'call-recordings', 'analytics', 'backups'];

/**
 * Erasure fan-out and Art. 19 notices end to end, through webhooks: real receivers (node:http,
 * signatures checked by the `standardwebhooks` package), the delivery worker of the real app,
 * and the systems acting only on what they were sent.
 */
describe('webhooks that close the loop', () => {
  let ledger: RunningLedger;
  let anonymous: LedgerClient;
  const receivers: WebhookReceiver[] = [];
  let tenant: string;

  beforeEach(async () => {
    ledger = await startLedger({
      env: { LEDGER_WEBHOOK_ALLOW_PRIVATE: 'true', LEDGER_WEBHOOK_POLL_MS: '50', LEDGER_ERASURE_SYSTEMS: SYSTEMS.join(',') },
    });
    anonymous = ledger.as(null);
    tenant = newTenant();
  });
  afterEach(async () => {
    await ledger.close();
    await Promise.all(receivers.splice(0).map((r) => r.close()));
    removeDataDir(ledger.dataDir);
  });

  /** A receiver subscribed to `eventTypes` with the given bindings. */
  const subscribedReceiver = async (eventTypes: string[], bindings: Record<string, unknown>) => {
    const receiver = await WebhookReceiver.start();
    receivers.push(receiver);
    const answer = await ledger.post(`/v1/tenants/${tenant}/subscriptions`, {
      url: receiver.url,
      eventTypes,
      description: `receiver for ${JSON.stringify(bindings)}`,
      ...bindings,
    });
    expect(answer.status).toBe(201);
    receiver.secrets = [answer.body.secret];
    return { receiver, subscriptionId: answer.body.subscriptionId as string };
  };
  const verified = (receiver: WebhookReceiver, type: string): Received[] =>
    receiver.received.filter((r) => r.payload?.type === type && r.verifiedWith.length > 0);
  /** Waits (bounded) until the erasure monitor shows what `done` wants. */
  const monitorUntil = async (done: (erasure: any) => boolean): Promise<any> => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const [erasure] = (await ledger.get(`/v1/deletions?tenantId=${tenant}`)).body.deletions;
      if (erasure && done(erasure)) return erasure;
      if (Date.now() > deadline) throw new Error(`the erasure monitor never showed it: ${JSON.stringify(erasure)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('fans an erasure out to four system receivers that confirm with their tokens alone; the certificate lists each', async () => {
    const systems = await Promise.all(
      SYSTEMS.map(async (system) => ({ system, ...(await subscribedReceiver(['deletion-requested'], { erasureSystems: [system] })) })),
    );
    const path = subjectPath(tenant, newSubject());
    expect((await ledger.post(`${path}/consents`, consentBody())).status).toBe(201);
    const requested = await ledger.post(`${path}/deletion-requests`, {});
    expect(requested.status).toBe(201);

    // Each system receives the request with its own task (and no other system's) and a token.
    const tasks = await Promise.all(
      systems.map(async ({ system, receiver }) => {
        await receiver.until(() => verified(receiver, 'deletion-requested').length > 0);
        const payload = verified(receiver, 'deletion-requested')[0]!.payload;
        expect(payload.data.tasks.map((t: { system: string }) => t.system)).toEqual([system]);
        return payload.data.tasks[0] as { system: string; deletionId: string; dueAt: string; confirmationToken: string };
      }),
    );
    const deletionId = tasks[0]!.deletionId;
    expect(tasks.every((t) => t.deletionId === deletionId && t.confirmationToken.startsWith('ledger-ct_'))).toBe(true);

    // The monitor shows every task delivered, through which subscription, before any confirmation.
    const delivered = await monitorUntil((e) => e.tasks?.every((t: { delivered: boolean }) => t.delivered));
    expect(delivered.state).toBe('open');
    expect(delivered.tasks.map((t: any) => [t.system, t.subscriptionId])).toEqual(systems.map((s) => [s.system, s.subscriptionId]));

    // A token confirms only its own system.
    const wrong = await anonymous.post(
      `${path}/deletion-completions`,
      { system: 'backups' },
      { authorization: `Bearer ${tasks[0]!.confirmationToken}` },
    );
    expect([wrong.status, wrong.body.code]).toEqual([403, 'confirmation-token-out-of-scope']);

    let last = requested;
    for (const task of tasks) {
      last = await anonymous.post(
        `${path}/deletion-completions`,
        { system: task.system, evidence: `purged by ${task.system}` },
        { authorization: `Bearer ${task.confirmationToken}` },
      );
      expect(last.status).toBe(201);
    }
    expect(last.body.events.map((e: { type: string }) => e.type)).toEqual(['deletion-completed', 'subject-data-shredded']);
    const certificate = await ledger.get(`${path}/erasure-certificate?atLeast=${lastPosition(last)}`);
    expect(certificate.status).toBe(200);
    expect(certificate.body.certificate.systems.map((c: { system: string }) => c.system)).toEqual(SYSTEMS);
    const completed = await monitorUntil((e) => e.state === 'completed');
    expect(completed.pendingSystems).toEqual([]);
  });

  it('tells a recipient through its own subscription: it sees only its entry, and its 2xx records recipient-notified (webhook)', async () => {
    const { receiver: mailerHook } = await subscribedReceiver(['recipient-notification-required'], { recipientIds: ['mailer'] });
    const { receiver: complianceHook } = await subscribedReceiver(['recipient-notification-required'], {});
    const path = subjectPath(tenant, newSubject());
    expect((await ledger.post(`${path}/consents`, consentBody({ purposes: ['marketing-communications'] }))).status).toBe(201);
    for (const transfer of [
      transferBody({ recipient: { id: 'mailer', name: 'Mailer Inc', kind: 'processor' }, purpose: 'marketing-communications' }),
      transferBody({ purpose: 'service-access', legalBasis: 'contract' }),
    ])
      expect((await ledger.post(`${path}/transfers`, transfer)).status).toBe(201);
    expect((await ledger.post(`${path}/deletion-requests`, {})).status).toBe(201);

    await mailerHook.until(() => verified(mailerHook, 'recipient-notification-required').length > 0);
    await complianceHook.until(() => verified(complianceHook, 'recipient-notification-required').length > 0);
    const toMailer = verified(mailerHook, 'recipient-notification-required')[0]!.payload.data.data;
    const toCompliance = verified(complianceHook, 'recipient-notification-required')[0]!.payload.data.data;
    expect(toMailer.recipients.map((r: { id: string }) => r.id)).toEqual(['mailer']);
    expect(toCompliance.recipients.length).toBe(2);
    const other = toCompliance.recipients.find((r: { id: string }) => r.id !== 'mailer').id as string;

    // The mailer was told by its webhook; the other recipient is still owed.
    const erasure = await monitorUntil((e) => e.recipients?.some((r: any) => r.id === 'mailer' && r.state === 'notified'));
    expect(erasure.recipients.map((r: any) => [r.id, r.state, r.channel])).toEqual(
      toCompliance.recipients.map((r: { id: string }) => (r.id === 'mailer' ? ['mailer', 'notified', 'webhook'] : [other, 'owed', null])),
    );
    const notified = (await ledger.auditEvents(`?tenantId=${tenant}`)).filter((e) => e.type === 'recipient-notified');
    expect(notified.map((e) => [e.data.recipientId, e.data.channel, e.metadata.actor])).toEqual([
      ['mailer', 'webhook', 'webhook-delivery'],
    ]);

    // The one told by other means is recorded by the route; then nobody is owed.
    expect((await ledger.post(`${path}/recipient-notifications`, { recipientId: other, channel: 'letter' })).status).toBe(201);
    const done = await monitorUntil((e) => e.recipientsOwed === 0);
    expect(done.recipients.map((r: any) => r.channel).sort()).toEqual(['letter', 'webhook']);
  });
});
