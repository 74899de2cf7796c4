import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ErasureTaskDeliveries } from '../../src/commands/record-task-delivery/erasure-task-deliveries.js';
import { CONFIRMATION_TOKEN_ISSUER, type ConfirmationTokenIssuer } from '../../src/webhooks/confirmation-tokens/confirmation-token.port.js';
import { removeDataDir, startLedger, type HttpAnswer, type LedgerClient, type RunningLedger } from '../support/ledger-app.js';
import { lastPosition } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath } from '../support/requests.js';
import { TestClock } from '../support/test-clock.js';

const SYSTEMS = ['crm', 'call-recordings', 'analytics', 'backups'];
const HOUR_MS = 60 * 60 * 1000;

/**
 * Erasure fan-out, the token side: a system confirms its deletion with the confirmation token
 * its task carried, without an API key; the erasure monitor shows which tasks were delivered.
 * Tokens are issued through the ConfirmationTokenIssuer port, as the webhook payload builder
 * does; deliveries are recorded through the seam the delivery worker calls.
 */
describe('erasure confirmation tokens', () => {
  const clock = new TestClock('2026-03-01T00:00:00.000Z');
  let ledger: RunningLedger;
  let issuer: ConfirmationTokenIssuer;
  let deliveries: ErasureTaskDeliveries;
  /** Calls without an API key: only the token in Authorization. */
  let anonymous: LedgerClient;

  beforeAll(async () => {
    ledger = await startLedger({ clock, env: { LEDGER_ERASURE_SYSTEMS: SYSTEMS.join(',') } });
    issuer = ledger.app.get<ConfirmationTokenIssuer>(CONFIRMATION_TOKEN_ISSUER, { strict: false });
    deliveries = ledger.app.get(ErasureTaskDeliveries, { strict: false });
    anonymous = ledger.as(null);
  });
  afterAll(async () => {
    await ledger.close();
    removeDataDir(ledger.dataDir);
  });

  /** A subject with an open erasure; its tenant, subject, path and deletionId. */
  const openErasure = async () => {
    const tenantId = newTenant();
    const subjectId = newSubject();
    const path = subjectPath(tenantId, subjectId);
    expect((await ledger.post(`${path}/consents`, consentBody())).status).toBe(201);
    const requested = await ledger.post(`${path}/deletion-requests`, {});
    expect(requested.status).toBe(201);
    const events = await ledger.auditEvents(`?tenantId=${tenantId}`);
    const deletionId = events.find((event) => event.type === 'deletion-requested')!.data.deletionId as string;
    return { tenantId, subjectId, path, deletionId, position: lastPosition(requested) };
  };

  const tokenFor = (erasure: { tenantId: string; subjectId: string; deletionId: string }, system: string, hours = 72) =>
    issuer.issue({ ...erasure, system, expiresAt: new Date(clock.now().getTime() + hours * HOUR_MS).toISOString() });

  const confirmWith = (token: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> =>
    anonymous.post(`${path}/deletion-completions`, body, { authorization: `Bearer ${token}`, ...headers });

  const eventsOf = async (tenantId: string): Promise<any[]> => ledger.auditEvents(`?tenantId=${tenantId}`);

  const expectRefused = (answer: HttpAnswer, status: number, code: string) => {
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body.code).toBe(code);
  };

  it('confirms with a token instead of an API key: 201 and deletion-completed for that erasure and system', async () => {
    const erasure = await openErasure();
    const token = await tokenFor(erasure, 'crm');
    expect(token).toMatch(/^ledger-ct_[A-Za-z0-9_-]{43}$/);
    const answer = await confirmWith(token, erasure.path, { system: 'crm', evidence: 'purge job 17' });
    expect(answer.status).toBe(201);
    expect(answer.body.events.map((event: { type: string }) => event.type)).toEqual(['deletion-completed']);
    const completed = (await eventsOf(erasure.tenantId)).at(-1);
    expect(completed).toMatchObject({
      type: 'deletion-completed',
      data: { deletionId: erasure.deletionId, system: 'crm', evidence: 'purge job 17' },
      metadata: { subjectId: erasure.subjectId },
    });
  });

  it('refuses a used token (401 confirmation-token-used) and writes nothing, but answers its retry with the same Idempotency-Key again', async () => {
    const erasure = await openErasure();
    const token = await tokenFor(erasure, 'analytics');
    const first = await confirmWith(token, erasure.path, { system: 'analytics' }, { 'idempotency-key': 'confirm-analytics-1' });
    expect(first.status).toBe(201);
    const written = (await eventsOf(erasure.tenantId)).length;

    const retry = await confirmWith(token, erasure.path, { system: 'analytics' }, { 'idempotency-key': 'confirm-analytics-1' });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expectRefused(await confirmWith(token, erasure.path, { system: 'analytics' }), 401, 'confirmation-token-used');
    expectRefused(
      await confirmWith(token, erasure.path, { system: 'analytics' }, { 'idempotency-key': 'confirm-analytics-2' }),
      401,
      'confirmation-token-used',
    );
    expect(await eventsOf(erasure.tenantId)).toHaveLength(written);
  });

  it('refuses an expired token (401 confirmation-token-expired), by the injected clock, and writes nothing', async () => {
    const erasure = await openErasure();
    const token = await tokenFor(erasure, 'backups', 1);
    const before = (await eventsOf(erasure.tenantId)).length;
    clock.advance(2 * HOUR_MS);
    const answer = await confirmWith(token, erasure.path, { system: 'backups' });
    expectRefused(answer, 401, 'confirmation-token-expired');
    expect(answer.body.detail).toContain('expired at');
    expect(await eventsOf(erasure.tenantId)).toHaveLength(before);
  });

  it('refuses a token for another system, subject or tenant, on another route, or never issued, and writes nothing', async () => {
    const erasure = await openErasure();
    const other = await openErasure();
    const token = await tokenFor(erasure, 'crm');
    const before = (await eventsOf(erasure.tenantId)).length;

    const otherSystem = await confirmWith(token, erasure.path, { system: 'backups' });
    expectRefused(otherSystem, 403, 'confirmation-token-out-of-scope');
    expect(otherSystem.body.errors).toEqual([{ field: 'system', message: expect.stringContaining('crm') }]);
    const otherSubject = await confirmWith(token, subjectPath(erasure.tenantId, other.subjectId), { system: 'crm' });
    expectRefused(otherSubject, 403, 'confirmation-token-out-of-scope');
    expect(otherSubject.body.detail).toContain('another subject');
    const otherTenant = await confirmWith(token, subjectPath(other.tenantId, erasure.subjectId), { system: 'crm' });
    expectRefused(otherTenant, 403, 'confirmation-token-out-of-scope');
    expect(otherTenant.body.detail).toContain('another tenant');
    expectRefused(await anonymous.get(erasure.path, { authorization: `Bearer ${token}` }), 403, 'confirmation-token-out-of-scope');
    expectRefused(
      await anonymous.post(`${erasure.path}/deletion-requests`, {}, { authorization: `Bearer ${token}` }),
      403,
      'confirmation-token-out-of-scope',
    );
    expectRefused(await confirmWith(`ledger-ct_${'A'.repeat(43)}`, erasure.path, { system: 'crm' }), 401, 'confirmation-token-unknown');

    expect(await eventsOf(erasure.tenantId)).toHaveLength(before);
    expect(await eventsOf(other.tenantId)).toHaveLength(2);
    // None of it used the token.
    expect((await confirmWith(token, erasure.path, { system: 'crm' })).status).toBe(201);
  });

  it('does not use the token on a refused command: bad input, or an erasure that is not the current one', async () => {
    const erasure = await openErasure();
    const token = await tokenFor(erasure, 'call-recordings');
    const future = new Date(clock.now().getTime() + HOUR_MS).toISOString();
    const invalid = await confirmWith(token, erasure.path, { system: 'call-recordings', occurredAt: future });
    expect(invalid.status).toBe(400);
    const stale = await tokenFor({ ...erasure, deletionId: randomUUID() }, 'call-recordings');
    expectRefused(await confirmWith(stale, erasure.path, { system: 'call-recordings' }), 409, 'no-open-erasure');
    // The same refusal again for the stale token (it was not used), and the good token still works.
    expectRefused(await confirmWith(stale, erasure.path, { system: 'call-recordings' }), 409, 'no-open-erasure');
    expect((await confirmWith(token, erasure.path, { system: 'call-recordings' })).status).toBe(201);
  });

  it('shows per system in the erasure monitor whether the task was delivered, and when, once the delivery seam is called', async () => {
    const erasure = await openErasure();
    const subscriptionId = randomUUID();
    const crm = await deliveries.recordTaskDelivered({
      ...erasure,
      system: 'crm',
      deliveredAt: '2026-03-01T00:00:05.000Z',
      subscriptionId,
    });
    expect(crm.status).toBe(201);
    expect(crm.body.events.map((event) => event.type)).toEqual(['erasure-task-delivered']);
    const analytics = await deliveries.recordTaskDelivered({
      ...erasure,
      system: 'analytics',
      deliveredAt: '2026-03-01T00:00:07.000Z',
      subscriptionId,
    });
    // The worker delivering again (at least once) records nothing new, whatever time it brings.
    const again = await deliveries.recordTaskDelivered({
      ...erasure,
      system: 'crm',
      deliveredAt: '2026-03-01T01:00:00.000Z',
      subscriptionId,
    });
    expect(again.body).toEqual(crm.body);
    expect((await eventsOf(erasure.tenantId)).filter((event) => event.type === 'erasure-task-delivered')).toHaveLength(2);
    await expect(
      deliveries.recordTaskDelivered({
        ...erasure,
        deletionId: randomUUID(),
        system: 'crm',
        deliveredAt: '2026-03-01T00:00:05.000Z',
        subscriptionId,
      }),
    ).rejects.toMatchObject({ code: 'no-open-erasure' });

    const position = analytics.body.events.at(-1)!.globalPosition;
    const monitor = await ledger.get(`/v1/deletions?tenantId=${erasure.tenantId}&atLeast=${position}`);
    expect(monitor.status).toBe(200);
    expect(monitor.body.deletions).toHaveLength(1);
    expect(monitor.body.deletions[0].tasks).toEqual([
      { system: 'crm', delivered: true, deliveredAt: '2026-03-01T00:00:05.000Z', subscriptionId },
      { system: 'call-recordings', delivered: false, deliveredAt: null, subscriptionId: null },
      { system: 'analytics', delivered: true, deliveredAt: '2026-03-01T00:00:07.000Z', subscriptionId },
      { system: 'backups', delivered: false, deliveredAt: null, subscriptionId: null },
    ]);
  });

  it('runs an erasure with four systems to completion on their tokens alone, and its certificate lists each confirmation', async () => {
    const erasure = await openErasure();
    const tokens = await Promise.all(SYSTEMS.map(async (system) => [system, await tokenFor(erasure, system)] as const));
    let last: HttpAnswer | undefined;
    for (const [system, token] of tokens) {
      last = await confirmWith(token, erasure.path, { system, evidence: `${system} purge done` }, { 'idempotency-key': `done-${system}` });
      expect(last.status).toBe(201);
    }
    expect(last!.body.events.map((event: { type: string }) => event.type)).toEqual(['deletion-completed', 'subject-data-shredded']);
    const status = await ledger.get(`${erasure.path}?atLeast=${lastPosition(last!)}`);
    expect(status.body.erasure).toMatchObject({ state: 'completed', deletionId: erasure.deletionId, pendingSystems: [] });

    const certificate = await ledger.get(`${erasure.path}/erasure-certificate?atLeast=${lastPosition(last!)}`);
    expect(certificate.status).toBe(200);
    expect(certificate.body.certificate.systems.map((confirmation: { system: string }) => confirmation.system)).toEqual(SYSTEMS);
    const completions = (await eventsOf(erasure.tenantId)).filter((event) => event.type === 'deletion-completed');
    expect(certificate.body.certificate.systems.map((confirmation: { eventId: string }) => confirmation.eventId)).toEqual(
      completions.map((event) => event.id),
    );
  });
});
