import { afterEach, describe, expect, it } from '@jest/globals';
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
});
