import { afterEach, describe, expect, it } from '@jest/globals';
import { forgetAnswer } from '../support/idempotency-records.js';
import { newDataDir, removeDataDir, startLedger, type RunningLedger } from '../support/ledger-app.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';

describe('many writers and restarts', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0)) await step();
  });
  const start = async (dataDir: string): Promise<RunningLedger> => {
    const ledger = await startLedger({ dataDir });
    return ledger;
  };

  it('keeps every 201 of 20 parallel commands on one subject in the log exactly once, and nothing else', async () => {
    const dataDir = newDataDir();
    const ledger = await start(dataDir);
    cleanup.push(async () => {
      await ledger.close();
      removeDataDir(dataDir);
    });
    const tenant = newTenant();
    const path = subjectPath(tenant, newSubject());
    await ledger.post(`${path}/consents`, consentBody());

    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => ledger.post(`${path}/transfers`, transferBody({ reference: `parallel-${i}` }))),
    );
    const created = answers.filter((a) => a.status === 201);
    const others = answers.filter((a) => a.status !== 201);
    // Anything not written must say so: a conflict that outlived its retries.
    expect(others.every((a) => a.status === 409 && a.body.code === 'concurrent-modification')).toBe(true);
    expect(created.length).toBeGreaterThan(0);

    const logged = (await ledger.auditEvents(`?tenantId=${tenant}`)).filter((e) => e.type === 'data-transferred');
    const acknowledged = created.flatMap((a) => a.body.events.map((e: { id: string }) => e.id));
    expect(logged.map((e) => e.id).sort()).toEqual([...acknowledged].sort());
    expect(new Set(logged.map((e) => e.data.reference)).size).toBe(logged.length);
    expect(logged.map((e) => e.streamPosition)).toEqual(Array.from({ length: logged.length }, (_, i) => i + 1));
  });

  it('keeps every event after a restart and continues the stream where it was', async () => {
    const dataDir = newDataDir();
    const tenant = newTenant();
    const path = subjectPath(tenant, newSubject());
    const first = await start(dataDir);
    await first.post(`${path}/consents`, consentBody());
    const transfer = await first.post(`${path}/transfers`, transferBody());
    const before = await first.auditEvents();
    await first.close();

    const second = await start(dataDir);
    cleanup.push(async () => {
      await second.close();
      removeDataDir(dataDir);
    });
    expect(await second.auditEvents()).toEqual(before);
    const withdrawal = await second.post(`${path}/consents/withdrawals`, { purposes: ['crm-access'] });
    expect(withdrawal.status).toBe(201);
    expect(withdrawal.body.events[0].streamPosition).toBe(2);
    expect(withdrawal.body.events[0].globalPosition).toBeGreaterThan(transfer.body.events[0].globalPosition);
    // The rules still see the restored state: the withdrawn purpose refuses a consent transfer.
    expect((await second.post(`${path}/transfers`, transferBody())).body.code).toBe('consent-not-active');
  });

  // Two apps in one process on the same files stand in for two instances on one event store
  // (SQLite serialises their writes); each has its own write path and state cache.
  describe('when two instances write to the same stores, each keeping the states it used', () => {
    const startTwo = async () => {
      const dataDir = newDataDir();
      const a = await start(dataDir);
      const b = await start(dataDir);
      cleanup.push(async () => {
        await a.close();
        await b.close();
        removeDataDir(dataDir);
      });
      return { a, b, dataDir };
    };

    it('decides on the stream as the other instance left it, not on the state it kept', async () => {
      const { a, b } = await startTwo();
      const tenant = newTenant();
      const path = subjectPath(tenant, newSubject());
      const both = consentBody({ purposes: ['crm-access', 'call-analytics'] });
      expect((await a.post(`${path}/consents`, both)).status).toBe(201);
      expect((await a.post(`${path}/transfers`, transferBody({ legalBasis: 'consent' }))).status).toBe(201);

      // b withdraws what a's kept state still shows granted: a must refuse the transfer.
      expect((await b.post(`${path}/consents/withdrawals`, { purposes: ['crm-access'] })).status).toBe(201);
      const refused = await a.post(`${path}/transfers`, transferBody({ legalBasis: 'consent' }));
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('consent-not-active');

      // b grants it again: a must not answer a repeated consent as a no-op from its kept state.
      expect((await b.post(`${path}/consents`, both)).status).toBe(201);
      const again = await a.post(`${path}/consents/withdrawals`, { purposes: ['crm-access'] });
      expect(again.status).toBe(201);

      const logged = await a.auditEvents(`?tenantId=${tenant}`);
      // The first withdrawal owes the transfer's recipient a notice; the second covers no new transfer.
      expect(logged.map((e) => e.type)).toEqual([
        'consent-given',
        'data-transferred',
        'consent-withdrawn',
        'recipient-notification-required',
        'consent-given',
        'consent-withdrawn',
      ]);
      expect(logged.map((e) => e.streamPosition)).toEqual([0, 1, 2, 3, 4, 5]);
      for (let i = 1; i < logged.length; i++) expect(logged[i].metadata.prevHash).toBe(logged[i - 1].metadata.hash);
    });

    it('answers an Idempotency-Key retry on one instance with the events the other wrote before its answer was lost', async () => {
      const { a, b, dataDir } = await startTwo();
      const tenant = newTenant();
      const path = subjectPath(tenant, newSubject());
      const headers = { 'idempotency-key': 'written-by-b' };
      await a.post(`${path}/consents`, consentBody());
      const first = await b.post(`${path}/transfers`, transferBody(), headers);
      expect(first.status).toBe(201);
      // b's answer was lost (as if it had died before recording it).
      expect(await forgetAnswer(dataDir, tenant, 'written-by-b')).toBe(1);

      const retry = await a.post(`${path}/transfers`, transferBody(), headers);
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect((await a.auditEvents(`?tenantId=${tenant}`)).filter((e) => e.type === 'data-transferred')).toHaveLength(1);
    });
  });
});
