import { afterEach, describe, expect, it } from '@jest/globals';
import { newDataDir, removeDataDir } from '../support/ledger-app.js';
import { spawnLedger, type LedgerProcess } from '../support/ledger-process.js';
import { consentBody, newSubject, newTenant, subjectPath } from '../support/requests.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const SUBJECTS = 12;
const ROUNDS_PER_SUBJECT = 6;

describe('kill -9 of the ledger mid-delivery', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('delivers every event at least once after the restart, in order per subject, a retried delivery under the same webhook-id', async () => {
    const dataDir = newDataDir();
    cleanup.push(() => removeDataDir(dataDir));
    const receiver = await WebhookReceiver.start();
    cleanup.push(() => receiver.close());
    const env = { LEDGER_WEBHOOK_ALLOW_PRIVATE: 'true', LEDGER_WEBHOOK_POLL_MS: '20' };
    let ledger: LedgerProcess = await spawnLedger({ dataDir, env });
    cleanup.push(() => ledger.kill());
    const tenant = newTenant();
    const subscribed = await ledger.post(`/v1/tenants/${tenant}/subscriptions`, {
      url: receiver.url,
      eventTypes: ['consent-given', 'consent-withdrawn'],
      description: 'crash test',
    });
    expect(subscribed.status).toBe(201);
    receiver.secrets = [subscribed.body.secret];
    // Every third delivery is refused once, with Retry-After: 0, so retries happen throughout;
    // the rest are answered after a pause, so some are in flight when the process dies.
    receiver.answer = ({ payload, attempt }) =>
      attempt === 1 && payload.data.globalPosition % 3 === 0 ? { status: 429, headers: { 'retry-after': '0' } } : { status: 204 };

    const subjects = Array.from({ length: SUBJECTS }, () => newSubject());
    const commands = async (victim: LedgerProcess, from: number, to: number) => {
      for (let round = from; round < to; round++) {
        await Promise.all(
          subjects.map(async (subject) => {
            const path = subjectPath(tenant, subject);
            const answer =
              round % 2 === 0
                ? await victim.post(`${path}/consents`, consentBody({ purposes: ['usage-analytics', `crm-access`] }))
                : await victim.post(`${path}/consents/withdrawals`, { purposes: ['usage-analytics'], channel: 'web' });
            expect(answer.status).toBe(201);
          }),
        );
      }
    };
    await commands(ledger, 0, ROUNDS_PER_SUBJECT / 2);
    // Kill while deliveries are going out.
    await receiver.until((r) => r.length >= SUBJECTS, 30_000);
    await ledger.kill();
    const beforeRestart = receiver.received.length;

    ledger = await spawnLedger({ dataDir, env });
    await commands(ledger, ROUNDS_PER_SUBJECT / 2, ROUNDS_PER_SUBJECT);
    const events = (await ledger.get(`/v1/audit/events?tenantId=${tenant}`)).text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { id: string; type: string; globalPosition: number; metadata: { subjectId: string } })
      .filter((event) => event.type === 'consent-given' || event.type === 'consent-withdrawn');
    expect(events).toHaveLength(SUBJECTS * ROUNDS_PER_SUBJECT);

    const accepted = (id: string) => receiver.received.some((r) => r.payload?.data.id === id && r.answered === 204);
    await receiver.until(() => events.every((event) => accepted(event.id)), 60_000);
    expect(beforeRestart).toBeLessThan(receiver.received.length);

    // Every request verified with the subscription's secret.
    expect(receiver.received.filter((r) => r.verifiedWith.length !== 1)).toEqual([]);
    // One webhook-id per event, however often it was sent; and some were sent more than once.
    const idsByEvent = new Map<string, Set<string>>();
    for (const r of receiver.received) idsByEvent.set(r.payload.data.id, (idsByEvent.get(r.payload.data.id) ?? new Set()).add(r.id));
    expect([...idsByEvent.values()].filter((ids) => ids.size !== 1)).toEqual([]);
    expect(receiver.received.length).toBeGreaterThan(events.length);
    // In order per subject: a subject's requests never go back to an earlier event.
    for (const subject of subjects) {
      const positions = receiver.received
        .filter((r) => r.payload.data.metadata.subjectId === subject)
        .map((r) => r.payload.data.globalPosition);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }
  }, 180_000);
});
