import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { openEventStoreDb } from '../../src/event-store/eventstoredb/eventstoredb-event-store.js';
import { EsdbProtocolTestServer } from '../esdb/esdb-protocol-test-server.js';
import { removeDataDir, startLedger, type RunningLedger } from '../support/ledger-app.js';
import { caughtUp, lastPosition } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';

/**
 * The whole app with EVENTSTORE_CONNECTION_STRING pointing at the EventStoreDB protocol
 * test double (test/esdb/): commands, projections, queries and the audit stream behave as
 * on the embedded store, and the projections survive the server going away.
 */
describe('the ledger on EventStoreDB (protocol test server)', () => {
  const server = new EsdbProtocolTestServer({ batchAppend: true });
  let ledger: RunningLedger;

  beforeAll(async () => {
    const { connectionString } = await server.start();
    // A system event already in $all: it must never reach the API.
    server.writeSystemEvent('$settings', '$settings');
    ledger = await startLedger({ env: { EVENTSTORE_CONNECTION_STRING: connectionString, LEDGER_ERASURE_SYSTEMS: 'crm,backups' } });
  });
  afterAll(async () => {
    await ledger.close();
    await server.stop();
    removeDataDir(ledger.dataDir);
  });

  it('writes commands as events in EventStoreDB and answers every read from them', async () => {
    const tenant = newTenant();
    const subjectId = newSubject();
    const path = subjectPath(tenant, subjectId);
    const consent = await ledger.post(`${path}/consents`, consentBody());
    const transfer = await ledger.post(`${path}/transfers`, transferBody());
    const withdrawal = await ledger.post(`${path}/consents/withdrawals`, {});
    expect([consent.status, transfer.status, withdrawal.status]).toEqual([201, 201, 201]);
    const positions = [consent, transfer, withdrawal].flatMap((a) =>
      a.body.events.map((e: { globalPosition: number }) => e.globalPosition),
    );
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    // The withdrawal writes three: consent-withdrawn, deletion-requested and the recipient notice.
    expect(new Set(positions).size).toBe(5);
    // EventStoreDB's positions are log offsets: they grow with gaps.
    expect(positions[1]! - positions[0]!).toBeGreaterThan(1);
    const stored = server.records.filter((r) => r.streamId === `subject-${tenant}/${subjectId}`);
    expect(stored.map((r) => r.type)).toEqual([
      'consent-given',
      'data-transferred',
      'consent-withdrawn',
      'deletion-requested',
      'recipient-notification-required',
    ]);

    const at = lastPosition(withdrawal);
    const status = await ledger.get(`${path}?atLeast=${at}`);
    expect(status.status).toBe(200);
    expect(status.body.purposes['crm-access'].status).toBe('withdrawn');
    expect(status.body.erasure).toMatchObject({ state: 'open', pendingSystems: ['crm', 'backups'] });
    const history = await ledger.get(`${path}/history?atLeast=${at}`);
    expect(history.body.entries.map((e: { globalPosition: number }) => e.globalPosition)).toEqual(positions);
    const transfers = await ledger.get(`/v1/tenants/${tenant}/transfers?atLeast=${at}`);
    expect(transfers.body.transfers).toHaveLength(1);
    const deletions = await ledger.get(`/v1/deletions?tenantId=${tenant}&atLeast=${at}`);
    expect(deletions.body.deletions).toHaveLength(1);
    expect(deletions.body.deletions[0].recipients.map((r: { id: string; state: string }) => [r.id, r.state])).toEqual([['aws-sg', 'owed']]);
  });

  it('keeps the rules and the version checks of the embedded store', async () => {
    const path = subjectPath(newTenant(), newSubject());
    expect((await ledger.post(`${path}/consents/withdrawals`, { purposes: ['crm-access'] })).body.code).toBe('consent-not-active');
    await ledger.post(`${path}/consents`, consentBody());
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => ledger.post(`${path}/transfers`, transferBody({ reference: `p-${i}` }))),
    );
    const created = answers.filter((a) => a.status === 201);
    expect(answers.every((a) => a.status === 201 || a.body.code === 'concurrent-modification')).toBe(true);
    const positions = created.map((a) => a.body.events[0].streamPosition).sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: created.length }, (_, i) => i + 1));
  });

  it('answers an idempotent retry with the first answer and writes once', async () => {
    const tenant = newTenant();
    const path = subjectPath(tenant, newSubject());
    const headers = { 'idempotency-key': 'esdb-retry' };
    const first = await ledger.post(`${path}/deletion-requests`, { reason: 'asked' }, headers);
    const retry = await ledger.post(`${path}/deletion-requests`, { reason: 'asked' }, headers);
    expect(retry.body).toEqual(first.body);
    expect(await ledger.auditEvents(`?tenantId=${tenant}`)).toHaveLength(1);
  });

  it('streams the audit log in global order without system events, from an inclusive position', async () => {
    const events = await ledger.auditEvents();
    expect(events.length).toBeGreaterThan(5);
    expect(events.some((e) => String(e.type).startsWith('$'))).toBe(false);
    const positions = events.map((e) => e.globalPosition);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    const third = events[2];
    const from = await ledger.auditEvents(`?fromPosition=${third.globalPosition}&limit=2`);
    expect(from.map((e) => e.id)).toEqual([events[2].id, events[3].id]);
    // A position between two events starts at the next one.
    const between = await ledger.auditEvents(`?fromPosition=${third.globalPosition - 1}&limit=1`);
    expect(between[0].id).toBe(third.id);
  });

  it('answers 503 while EventStoreDB is down, and the projections catch up after it returns, nothing lost or doubled', async () => {
    const tenant = newTenant();
    const path = subjectPath(tenant, newSubject());
    await ledger.post(`${path}/consents`, consentBody());
    await caughtUp(ledger);

    await server.stop();
    const down = await ledger.post(`${path}/transfers`, transferBody());
    expect(down.status).toBe(503);
    expect(down.body.code).toBe('store-unavailable');
    await server.restart();

    // Another ledger instance (another client) writes while this one's subscription reconnects.
    const other = await openEventStoreDb(server.connectionString);
    const otherSubject = newSubject();
    const written = await other.append(
      `subject-${tenant}/${otherSubject}`,
      [
        {
          id: randomUUID(),
          type: 'consent-given',
          occurredAt: new Date().toISOString(),
          recordedAt: new Date().toISOString(),
          data: { purposes: ['crm-access'], policyVersion: '2024-06', channel: 'api' },
          metadata: {
            tenantId: tenant,
            subjectId: otherSubject,
            actor: 'other-instance',
            correlationId: 'c',
            causationId: 'c',
            idempotencyKey: null,
          },
        },
      ],
      'no-stream',
    );
    await other.close();
    const otherStatus = await ledger.get(`${subjectPath(tenant, otherSubject)}?atLeast=${written.events[0]!.globalPosition}`);
    expect(otherStatus.status).toBe(200);
    expect(otherStatus.body.purposes['crm-access'].status).toBe('granted');

    const answers = [];
    for (let i = 0; i < 3; i++) {
      let answer = await ledger.post(`${path}/transfers`, transferBody({ reference: `after-${i}` }));
      for (let tries = 0; answer.status === 503 && tries < 20; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        answer = await ledger.post(`${path}/transfers`, transferBody({ reference: `after-${i}` }));
      }
      answers.push(answer);
    }
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    const at = lastPosition(answers[2]!);
    // Catching up after the outage may take longer than the 2 s an `atLeast` read waits (a busy machine).
    await caughtUp(ledger, 30_000);
    const history = await ledger.get(`${path}/history?atLeast=${at}`);
    expect(history.status).toBe(200);
    expect(history.body.entries.map((e: { type: string }) => e.type)).toEqual([
      'consent-given',
      'data-transferred',
      'data-transferred',
      'data-transferred',
    ]);
    const health = await caughtUp(ledger);
    expect(health.projections.every((p) => p.state === 'running')).toBe(true);
    const transfers = await ledger.get(`/v1/tenants/${tenant}/transfers?atLeast=${at}`);
    expect(transfers.body.transfers.map((t: { reference: string }) => t.reference)).toEqual(['after-0', 'after-1', 'after-2']);
  });
});
