import { afterEach, describe, expect, it } from '@jest/globals';
import { forgetAnswer } from '../support/idempotency-records.js';
import { newDataDir, removeDataDir, startLedger, type RunningLedger } from '../support/ledger-app.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';

describe('Idempotency-Key', () => {
  const opened: RunningLedger[] = [];
  const dirs: string[] = [];
  const start = async (dataDir?: string) => {
    const ledger = await startLedger(dataDir === undefined ? {} : { dataDir });
    opened.push(ledger);
    if (!dirs.includes(ledger.dataDir)) dirs.push(ledger.dataDir);
    return ledger;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((l) => l.close()));
    dirs.splice(0).forEach(removeDataDir);
  });

  it('answers a retry with the first answer and writes nothing more', async () => {
    const ledger = await start();
    const tenant = newTenant();
    const path = subjectPath(tenant, newSubject());
    await ledger.post(`${path}/consents`, consentBody());
    const headers = { 'idempotency-key': 'transfer-001' };
    const first = await ledger.post(`${path}/transfers`, transferBody(), headers);
    const retry = await ledger.post(`${path}/transfers`, transferBody(), headers);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    const transfers = (await ledger.auditEvents(`?tenantId=${tenant}`)).filter((e) => e.type === 'data-transferred');
    expect(transfers).toHaveLength(1);
    expect(transfers[0].metadata.idempotencyKey).toBe('transfer-001');
  });

  it('gives the same 200 again for a no-op retry', async () => {
    const ledger = await start();
    const path = subjectPath(newTenant(), newSubject());
    await ledger.post(`${path}/consents`, consentBody());
    const headers = { 'idempotency-key': 'consent-again' };
    const first = await ledger.post(`${path}/consents`, consentBody(), headers);
    const retry = await ledger.post(`${path}/consents`, consentBody(), headers);
    expect([first.status, retry.status]).toEqual([200, 200]);
    expect(retry.body).toEqual(first.body);
  });

  it('gives a refusal by the rules again for the same request, even after the state changed', async () => {
    const ledger = await start();
    const tenant = newTenant();
    const path = subjectPath(tenant, newSubject());
    const headers = { 'idempotency-key': 'withdraw-early' };
    const first = await ledger.post(`${path}/consents/withdrawals`, { purposes: ['crm-access'] }, headers);
    expect(first.status).toBe(409);
    await ledger.post(`${path}/consents`, consentBody());
    const retry = await ledger.post(`${path}/consents/withdrawals`, { purposes: ['crm-access'] }, headers);
    expect(retry.status).toBe(409);
    expect(retry.body).toEqual(first.body);
    expect((await ledger.auditEvents(`?tenantId=${tenant}`)).map((e) => e.type)).toEqual(['consent-given']);
  });

  it('refuses the same key with a different body with 422 idempotency-key-reused', async () => {
    const ledger = await start();
    const tenant = newTenant();
    const path = subjectPath(tenant, newSubject());
    const headers = { 'idempotency-key': 'k-1' };
    expect((await ledger.post(`${path}/consents`, consentBody(), headers)).status).toBe(201);
    const reused = await ledger.post(`${path}/consents`, consentBody({ policyVersion: '2025-01' }), headers);
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency-key-reused');
    expect(await ledger.auditEvents(`?tenantId=${tenant}`)).toHaveLength(1);
  });

  it('treats the same body with its keys in another order as the same request', async () => {
    const ledger = await start();
    const path = subjectPath(newTenant(), newSubject());
    const headers = { 'idempotency-key': 'order' };
    const body = consentBody();
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const first = await ledger.post(`${path}/consents`, body, headers);
    const retry = await ledger.post(`${path}/consents`, reordered, headers);
    expect(retry.status).toBe(first.status);
    expect(retry.body).toEqual(first.body);
  });

  it('still gives the first answer after a restart', async () => {
    const dataDir = newDataDir();
    const tenant = newTenant();
    const path = subjectPath(tenant, newSubject());
    const headers = { 'idempotency-key': 'survives-restart' };
    const before = await start(dataDir);
    const first = await before.post(`${path}/deletion-requests`, { reason: 'asked' }, headers);
    await before.close();
    opened.splice(opened.indexOf(before), 1);

    const after = await start(dataDir);
    const retry = await after.post(`${path}/deletion-requests`, { reason: 'asked' }, headers);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(await after.auditEvents(`?tenantId=${tenant}`)).toHaveLength(1);
  });

  it('recovers the first answer from the stream when the process died before recording it', async () => {
    const dataDir = newDataDir();
    const tenant = newTenant();
    const path = subjectPath(tenant, newSubject());
    const headers = { 'idempotency-key': 'crash-window' };
    const before = await start(dataDir);
    await before.post(`${path}/consents`, consentBody());
    const first = await before.post(`${path}/transfers`, transferBody(), headers);
    await before.close();
    opened.splice(opened.indexOf(before), 1);
    // The crash: the events were committed but the answer was never recorded.
    expect(await forgetAnswer(dataDir, tenant, 'crash-window')).toBe(1);

    const after = await start(dataDir);
    const retry = await after.post(`${path}/transfers`, transferBody(), headers);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    const transfers = (await after.auditEvents(`?tenantId=${tenant}`)).filter((e) => e.type === 'data-transferred');
    expect(transfers).toHaveLength(1);
  });

  it("recovers the first answer from the stream on the instance that wrote it and kept the subject's state", async () => {
    const ledger = await start();
    const tenant = newTenant();
    const path = subjectPath(tenant, newSubject());
    const headers = { 'idempotency-key': 'warm-crash-window' };
    await ledger.post(`${path}/consents`, consentBody());
    const first = await ledger.post(`${path}/transfers`, transferBody(), headers);
    await ledger.post(`${path}/transfers`, transferBody({ reference: 'later' }));
    // The answer was lost (as if its record had failed), but this instance kept the stream's state.
    expect(await forgetAnswer(ledger.dataDir, tenant, 'warm-crash-window')).toBe(1);

    const retry = await ledger.post(`${path}/transfers`, transferBody(), headers);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    const transfers = (await ledger.auditEvents(`?tenantId=${tenant}`)).filter((e) => e.type === 'data-transferred');
    expect(transfers).toHaveLength(2);
  });

  it('runs concurrent requests with one key exactly once', async () => {
    const ledger = await start();
    const tenant = newTenant();
    const path = subjectPath(tenant, newSubject());
    const headers = { 'idempotency-key': 'burst' };
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => ledger.post(`${path}/transfers`, transferBody({ legalBasis: 'contract' }), headers)),
    );
    expect(answers.every((a) => a.status === 201)).toBe(true);
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect(await ledger.auditEvents(`?tenantId=${tenant}`)).toHaveLength(1);
  });
});
