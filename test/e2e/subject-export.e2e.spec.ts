import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { removeDataDir, startLedger, type RunningLedger } from '../support/ledger-app.js';
import { parseCsv } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';
import { TestClock } from '../support/test-clock.js';

describe('GET .../subjects/{s}/export (an access request)', () => {
  let ledger: RunningLedger;
  const clock = new TestClock('2026-03-01T00:00:00.000Z');
  const tenant = newTenant();
  const subjectId = newSubject();
  const path = subjectPath(tenant, subjectId);

  beforeAll(async () => {
    ledger = await startLedger({ clock, env: { LEDGER_ERASURE_SYSTEMS: 'crm,backups', LEDGER_ERASURE_DAYS: '30' } });
    await ledger.post(`${path}/consents`, consentBody({ occurredAt: '2026-01-01T10:00:00Z' }));
    await ledger.post(`${path}/transfers`, transferBody({ occurredAt: '2026-01-05T00:00:00Z' }));
    await ledger.post(
      `${path}/transfers`,
      transferBody({ occurredAt: '2026-01-06T00:00:00Z', country: 'IN', dataCategories: ['pii.call-records'] }),
    );
    await ledger.post(
      `${path}/transfers`,
      transferBody({
        occurredAt: '2026-01-07T00:00:00Z',
        recipient: { id: 'zoho', name: 'Zoho CRM, "EU"', kind: 'processor' },
        legalBasis: 'contract',
      }),
    );
    await ledger.post(`${path}/consents/withdrawals`, { reason: 'closing my account', occurredAt: '2026-02-01T00:00:00Z' });
    await ledger.post(`${path}/deletion-completions`, { system: 'crm', evidence: 'ticket OPS-7', occurredAt: '2026-02-02T00:00:00Z' });
    await ledger.post(`${path}/deletion-completions`, { system: 'backups', occurredAt: '2026-02-10T00:00:00Z' });
  });
  afterAll(async () => {
    await ledger.close();
    removeDataDir(ledger.dataDir);
  });

  it('lists every consent, withdrawal, transfer, recipient and erasure confirmation as JSON', async () => {
    const answer = await ledger.get(`${path}/export`);
    expect(answer.status).toBe(200);
    const data = answer.body;
    // Eight facts, the recipients owed the erasure's notice, and the shredding of the subject's
    // personal data when its erasure completed.
    expect(data).toMatchObject({ tenantId: tenant, subjectId, eventCount: 10, exportedAt: '2026-03-01T00:00:00.000Z' });
    expect(data.consents).toEqual([
      expect.objectContaining({
        purposes: ['crm-access', 'usage-analytics'],
        policyVersion: '2024-06',
        channel: 'web',
        occurredAt: '2026-01-01T10:00:00.000Z',
        evidence: { ipAddress: '[erased]', userAgent: '[erased]', contact: '[erased]' },
      }),
    ]);
    expect(data.withdrawals).toEqual([expect.objectContaining({ purposes: ['crm-access', 'usage-analytics'], reason: '[erased]' })]);
    expect(data.transfers.map((t: { country: string }) => t.country)).toEqual(['SG', 'IN', 'SG']);
    expect(data.recipients).toEqual([
      expect.objectContaining({
        id: 'aws-sg',
        kind: 'cloud-host',
        countries: ['IN', 'SG'],
        dataCategories: ['pii.call-records', 'pii.name', 'pii.phone-number'],
        transfers: 2,
        firstAt: '2026-01-05T00:00:00.000Z',
        lastAt: '2026-01-06T00:00:00.000Z',
      }),
      expect.objectContaining({ id: 'zoho', kind: 'processor', countries: ['SG'], transfers: 1 }),
    ]);
    expect(data.erasures).toEqual([
      expect.objectContaining({
        trigger: 'all-consent-withdrawn',
        requestedAt: '2026-02-01T00:00:00.000Z',
        dueAt: '2026-03-03T00:00:00.000Z',
        completedAt: '2026-02-10T00:00:00.000Z',
        completedOnTime: true,
        shreddedAt: '2026-03-01T00:00:00.000Z',
        confirmations: [
          expect.objectContaining({ system: 'crm', completedAt: '2026-02-02T00:00:00.000Z', evidence: '[erased]' }),
          expect.objectContaining({ system: 'backups', completedAt: '2026-02-10T00:00:00.000Z', evidence: null }),
        ],
      }),
    ]);
    // Art. 19: both recipients must be told of the erasure, by its deadline; none was yet.
    expect(data.erasures[0].recipients.map((r: any) => [r.id, r.dataCategories, r.state])).toEqual([
      ['aws-sg', ['pii.call-records', 'pii.name', 'pii.phone-number'], 'owed'],
      ['zoho', ['pii.name', 'pii.phone-number'], 'owed'],
    ]);
    expect(data.recipientNotifications).toEqual([
      expect.objectContaining({ cause: 'erasure', deletionId: data.erasures[0].deletionId, dueAt: '2026-03-03T00:00:00.000Z' }),
    ]);
    expect(data.status.erasure.state).toBe('completed');
    expect(data.grievances).toEqual([]);
  });

  it('gives the same facts as one CSV file in sections', async () => {
    const answer = await ledger.get(`${path}/export`, { accept: 'text/csv' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/csv');
    const sections = new Map<string, string[][]>();
    let current: string[][] = [];
    for (const record of parseCsv(answer.text)) {
      if (record.length === 1 && record[0]?.startsWith('# ')) {
        current = [];
        sections.set(record[0].slice(2), current);
      } else if (!(record.length === 1 && record[0] === '')) {
        current.push(record);
      }
    }
    expect([...sections.keys()]).toEqual([
      'subject',
      'consents',
      'withdrawals',
      'transfers',
      'recipients',
      'erasures',
      'recipient-notifications',
      'grievances',
    ]);
    expect(
      sections
        .get('recipient-notifications')
        ?.slice(1)
        .map((row) => [row[4], row[7]]),
    ).toEqual([
      ['aws-sg', 'owed'],
      ['zoho', 'owed'],
    ]);
    expect(sections.get('transfers')).toHaveLength(4);
    expect(sections.get('recipients')?.[2]?.[1]).toBe('Zoho CRM, "EU"');
    expect(sections.get('erasures')?.[1]).toEqual(expect.arrayContaining(['true', 'crm;backups']));
  });

  it("is not found for a subject the tenant never reported, and never shows another tenant's subject", async () => {
    expect((await ledger.get(`${subjectPath(tenant, newSubject())}/export`)).status).toBe(404);
    expect((await ledger.get(`${subjectPath(newTenant(), subjectId)}/export`)).status).toBe(404);
  });
});
