import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { E2E_ADMIN_KEY, removeDataDir, startLedger, type HttpAnswer, type RunningLedger } from '../support/ledger-app.js';
import { consentBody, newSubject, newTenant, subjectPath } from '../support/requests.js';
import { TestClock } from '../support/test-clock.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const HOUR = 3_600_000;

/** PATCH and DELETE, which the shared client does not have. */
const send = async (ledger: RunningLedger, method: string, path: string, body?: unknown): Promise<HttpAnswer> => {
  const response = await fetch(`${ledger.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${E2E_ADMIN_KEY}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text), text };
};

describe('webhooks: subscriptions and signed deliveries', () => {
  let ledger: RunningLedger;
  let clock: TestClock;
  let receiver: WebhookReceiver;
  let tenant: string;

  beforeEach(async () => {
    clock = new TestClock(new Date());
    receiver = await WebhookReceiver.start();
    ledger = await startLedger({
      clock,
      env: { LEDGER_WEBHOOK_ALLOW_PRIVATE: 'true', LEDGER_WEBHOOK_POLL_MS: '50', LEDGER_WEBHOOK_RETRY_WINDOW_HOURS: '72' },
    });
    tenant = newTenant();
  });
  afterEach(async () => {
    await ledger.close();
    await receiver.close();
    removeDataDir(ledger.dataDir);
  });

  const subscribe = async (body: Record<string, unknown> = {}) => {
    const answer = await ledger.post(`/v1/tenants/${tenant}/subscriptions`, {
      url: receiver.url,
      eventTypes: ['consent-given', 'consent-withdrawn', 'deletion-requested'],
      description: 'the CRM',
      ...body,
    });
    expect(answer.status).toBe(201);
    receiver.secrets = [answer.body.secret];
    return answer.body as { subscriptionId: string; secret: string; secretId: string };
  };
  const consent = async (subject: string) => {
    const answer = await ledger.post(`${subjectPath(tenant, subject)}/consents`, consentBody());
    expect(answer.status).toBe(201);
    return answer.body.events[0] as { id: string; globalPosition: number };
  };
  const deliveries = async (subscriptionId: string, state = '') =>
    (await ledger.get(`/v1/tenants/${tenant}/subscriptions/${subscriptionId}/deliveries${state && `?state=${state}`}`)).body
      .deliveries as any[];
  /** The delivery once stored in `state` (after `attempts` attempts, when given): it is stored after the receiver answered. */
  const waitForState = async (subscriptionId: string, deliveryId: string, state: string, attempts?: number) => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const found = (await deliveries(subscriptionId)).find((d) => d.deliveryId === deliveryId);
      if (found?.state === state && (attempts === undefined || found.attempts === attempts)) return found;
      if (Date.now() > deadline) throw new Error(`delivery ${deliveryId} is ${found?.state}, not ${state}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('answers the secret once, never shows it again, and records who subscribed', async () => {
    const { subscriptionId, secret } = await subscribe();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const list = await ledger.get(`/v1/tenants/${tenant}/subscriptions`);
    const one = await ledger.get(`/v1/tenants/${tenant}/subscriptions/${subscriptionId}`);
    expect(list.body.subscriptions).toEqual([expect.objectContaining({ subscriptionId, url: receiver.url, paused: false })]);
    expect(one.body).toEqual(list.body.subscriptions[0]);
    const secretBase64 = secret.slice('whsec_'.length);
    for (const text of [list.text, one.text, JSON.stringify(await ledger.auditEvents(`?tenantId=${tenant}`))]) {
      expect(text).not.toContain(secretBase64);
    }
    const [created] = await ledger.auditEvents(`?tenantId=${tenant}`);
    expect(created).toMatchObject({
      type: 'subscription-created',
      streamId: `subscriptions-${tenant}`,
      data: { subscriptionId, url: receiver.url, sealedSecret: expect.stringMatching(/^enc:v1:/) },
      metadata: { actor: 'api-key:e2e-admin' },
    });
  });

  it('answers a retry with the same Idempotency-Key with the first subscription and secret, writing nothing more', async () => {
    const body = { url: receiver.url, eventTypes: ['consent-given'], description: 'retried' };
    const headers = { 'idempotency-key': `sub-${newSubject()}` };
    const first = await ledger.post(`/v1/tenants/${tenant}/subscriptions`, body, headers);
    const again = await ledger.post(`/v1/tenants/${tenant}/subscriptions`, body, headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(first.body.secret).toMatch(/^whsec_/);
    expect((await ledger.get(`/v1/tenants/${tenant}/subscriptions`)).body.subscriptions).toHaveLength(1);
  });

  it('delivers an event signed per Standard Webhooks, without its personal values', async () => {
    const { subscriptionId } = await subscribe();
    const subject = newSubject();
    const event = await consent(subject);
    const [received] = await receiver.until((r) => r.length >= 1);
    expect(received!.verifiedWith).toEqual([0]);
    expect(received!.payload).toMatchObject({
      type: 'consent-given',
      data: {
        id: event.id,
        type: 'consent-given',
        globalPosition: event.globalPosition,
        metadata: { tenantId: tenant, subjectId: subject },
      },
    });
    expect(received!.payload.data.data.purposes).toEqual(['crm-access', 'usage-analytics']);
    expect(received!.body).not.toContain('203.0.113.7');
    expect(received!.body).not.toContain('asha@example.com');
    expect(received!.body).not.toContain('evidence');
    const delivered = await waitForState(subscriptionId, received!.id, 'delivered');
    expect(delivered).toMatchObject({ deliveryId: received!.id, eventId: event.id, attempts: 1, lastStatus: 204, nextAttemptAt: null });
  });

  it('retries with backoff (the same webhook-id each time) until the receiver accepts', async () => {
    const { subscriptionId } = await subscribe();
    receiver.answer = ({ attempt }) => (attempt <= 3 ? { status: 500 } : { status: 200 });
    await consent(newSubject());
    for (let attempt = 1; attempt <= 3; attempt++) {
      await receiver.until((r) => r.length >= attempt);
      const failed = await waitForState(subscriptionId, receiver.received[0]!.id, 'failed', attempt);
      expect(failed.lastStatus).toBe(500);
      // Not sent again before its time...
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.received).toHaveLength(attempt);
      // ...and sent once the clock passes it.
      clock.advance(2 * HOUR);
    }
    await receiver.until((r) => r.length >= 4);
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(1);
    expect(receiver.received.every((r) => r.verifiedWith.length === 1)).toBe(true);
    const delivered = await waitForState(subscriptionId, receiver.received[0]!.id, 'delivered');
    expect(delivered).toMatchObject({ attempts: 4, lastStatus: 200, lastError: null });
  });

  it('honours Retry-After', async () => {
    const { subscriptionId } = await subscribe();
    receiver.answer = ({ attempt }) => (attempt === 1 ? { status: 429, headers: { 'retry-after': '7200' } } : { status: 204 });
    await consent(newSubject());
    await receiver.until((r) => r.length >= 1);
    const failed = await waitForState(subscriptionId, receiver.received[0]!.id, 'failed');
    expect(Date.parse(failed.nextAttemptAt) - Date.parse(failed.lastAttemptAt)).toBe(2 * HOUR);
    clock.advance(HOUR);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received).toHaveLength(1);
    clock.advance(HOUR);
    await receiver.until((r) => r.length >= 2);
  });

  it('dead-letters a delivery past the retry window, and delivers it after a redelivery', async () => {
    const { subscriptionId } = await subscribe();
    receiver.answer = () => ({ status: 503 });
    await consent(newSubject());
    await receiver.until((r) => r.length >= 1);
    const id = receiver.received[0]!.id;
    await waitForState(subscriptionId, id, 'failed');
    clock.advance(73 * HOUR);
    await receiver.until((r) => r.length >= 2);
    const dead = await waitForState(subscriptionId, id, 'dead');
    expect(dead).toMatchObject({ attempts: 2, lastStatus: 503, nextAttemptAt: null });
    expect((await deliveries(subscriptionId, 'dead')).map((d) => d.deliveryId)).toEqual([id]);
    const metrics = await ledger.get('/metrics');
    expect(metrics.text).toContain(`ledger_webhook_dead_letters{subscription="${subscriptionId}"} 1`);

    receiver.answer = () => ({ status: 204 });
    const again = await ledger.post(`/v1/tenants/${tenant}/subscriptions/${subscriptionId}/deliveries/${id}/redeliveries`);
    expect(again.status).toBe(202);
    await receiver.until((r) => r.length >= 3);
    expect(receiver.received[2]!.id).toBe(id);
    await waitForState(subscriptionId, id, 'delivered');
    const after = await ledger.get('/metrics');
    expect(after.text).toContain(`ledger_webhook_dead_letters{subscription="${subscriptionId}"} 0`);
    expect(after.text).toMatch(/ledger_webhook_deliveries_total\{outcome="dead"\} 1/);
    expect(after.text).toMatch(/ledger_webhook_deliveries_total\{outcome="delivered"\} 1/);
  });

  it('keeps each subject’s deliveries in order while another subject’s go ahead', async () => {
    const { subscriptionId } = await subscribe();
    const blocked = newSubject();
    const free = newSubject();
    receiver.answer = ({ payload, attempt }) =>
      payload.data.metadata.subjectId === blocked && payload.type === 'consent-given' && attempt === 1 ? { status: 500 } : { status: 204 };
    const first = await consent(blocked);
    const withdrawal = await ledger.post(`${subjectPath(tenant, blocked)}/consents/withdrawals`, {
      purposes: ['usage-analytics'],
      channel: 'web',
    });
    expect(withdrawal.status).toBe(201);
    const other = await consent(free);
    await receiver.until((r) => r.some((x) => x.payload.data.id === other.id));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The withdrawal waits behind the consent that failed.
    expect(receiver.received.map((r) => r.payload.data.id).sort()).toEqual([first.id, other.id].sort());
    clock.advance(2 * HOUR);
    await receiver.until((r) => r.length >= 4);
    const blockedOrder = receiver.received.filter((r) => r.payload.data.metadata.subjectId === blocked).map((r) => r.payload.data.id);
    expect(blockedOrder).toEqual([first.id, first.id, withdrawal.body.events[0].id]);
    await waitForState(subscriptionId, receiver.received[3]!.id, 'delivered');
    expect(await deliveries(subscriptionId, 'delivered')).toHaveLength(3);
  });

  it('signs with both secrets during a rotation’s overlap, then with the new one only', async () => {
    const { subscriptionId, secret: oldSecret } = await subscribe();
    const rotated = await ledger.post(`/v1/tenants/${tenant}/subscriptions/${subscriptionId}/secret-rotations`, { overlapSeconds: 3600 });
    expect(rotated.status).toBe(201);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(oldSecret);
    receiver.secrets = [oldSecret, rotated.body.secret];
    await consent(newSubject());
    const [during] = await receiver.until((r) => r.length >= 1);
    expect(during!.verifiedWith).toEqual([0, 1]);
    expect(during!.signature.split(' ')).toHaveLength(2);
    clock.advance(2 * HOUR);
    await consent(newSubject());
    await receiver.until((r) => r.length >= 2);
    expect(receiver.received[1]!.verifiedWith).toEqual([1]);
    const shown = await ledger.get(`/v1/tenants/${tenant}/subscriptions/${subscriptionId}`);
    expect(shown.body.secrets).toEqual([
      { secretId: expect.any(String), expiresAt: expect.any(String) },
      { secretId: rotated.body.secretId, expiresAt: null },
    ]);
  });

  it('pauses, resumes, replays from a position and stops after a deletion', async () => {
    const { subscriptionId } = await subscribe();
    const paused = await send(ledger, 'PATCH', `/v1/tenants/${tenant}/subscriptions/${subscriptionId}`, { paused: true });
    expect(paused.status).toBe(201);
    const unchanged = await send(ledger, 'PATCH', `/v1/tenants/${tenant}/subscriptions/${subscriptionId}`, { paused: true });
    expect(unchanged.status).toBe(200);
    const event = await consent(newSubject());
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(receiver.received).toHaveLength(0);
    expect(await deliveries(subscriptionId, 'pending')).toHaveLength(1);
    await send(ledger, 'PATCH', `/v1/tenants/${tenant}/subscriptions/${subscriptionId}`, { paused: false });
    await receiver.until((r) => r.length >= 1);

    const replay = await ledger.post(`/v1/tenants/${tenant}/subscriptions/${subscriptionId}/replays`, {
      fromPosition: event.globalPosition,
    });
    expect(replay.status).toBe(202);
    await receiver.until((r) => r.length >= 2);
    expect(receiver.received[1]!.payload.data.id).toBe(event.id);
    expect(receiver.received[1]!.id).not.toBe(receiver.received[0]!.id);

    const deleted = await send(ledger, 'DELETE', `/v1/tenants/${tenant}/subscriptions/${subscriptionId}`);
    expect(deleted.status).toBe(201);
    expect((await ledger.get(`/v1/tenants/${tenant}/subscriptions/${subscriptionId}`)).status).toBe(404);
    await consent(newSubject());
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(receiver.received).toHaveLength(2);
  });

  it('refuses bad subscriptions naming the field, writing nothing', async () => {
    const path = `/v1/tenants/${tenant}/subscriptions`;
    const good = { url: receiver.url, eventTypes: ['consent-given'], description: 'x' };
    const refusals: [unknown, number, string][] = [
      [{ ...good, url: 'ftp://example.com/x' }, 400, 'url'],
      [{ ...good, eventTypes: ['no-such-event'] }, 400, 'eventTypes'],
      [{ ...good, eventTypes: [] }, 400, 'eventTypes'],
      [{ ...good, erasureSystems: ['mainframe'] }, 422, 'erasureSystems'],
    ];
    for (const [body, status, field] of refusals) {
      const answer = await ledger.post(path, body);
      expect([answer.status, [...new Set(answer.body.errors?.map((e: { field: string }) => e.field))]]).toEqual([status, [field]]);
    }
    expect((await send(ledger, 'PATCH', `${path}/nope`, { paused: true })).status).toBe(404);
    expect(await ledger.auditEvents(`?tenantId=${tenant}`)).toEqual([]);
  });
});

describe('webhooks: targets on private networks (SSRF)', () => {
  // One ledger for every case: each refusal uses a tenant of its own and must write nothing.
  let ledger: RunningLedger;
  beforeAll(async () => {
    ledger = await startLedger();
  });
  afterAll(async () => {
    await ledger.close();
    removeDataDir(ledger.dataDir);
  });

  it.each([
    'http://127.0.0.1:8080/hooks',
    'http://localhost/hooks',
    'http://169.254.169.254/latest',
    'https://10.1.2.3/x',
    'http://[::1]/x',
  ])('refuses %s with 422 unsafe-url naming url, and writes nothing', async (url) => {
    const tenant = newTenant();
    const answer = await ledger.post(`/v1/tenants/${tenant}/subscriptions`, { url, eventTypes: ['consent-given'], description: 'x' });
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ code: 'unsafe-url', errors: [{ field: 'url' }] });
    expect(await ledger.auditEvents(`?tenantId=${tenant}`)).toEqual([]);
  });
});
