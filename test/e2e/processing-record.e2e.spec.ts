import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { removeDataDir, startLedger, type RunningLedger } from '../support/ledger-app.js';
import { lastPosition, parseCsv } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';
import { TestClock } from '../support/test-clock.js';

const AWS_SG = { id: 'aws.sg', name: 'Amazon Web Services', kind: 'cloud-host' };
const AWS_US = { id: 'aws.us', name: 'Amazon Web Services', kind: 'cloud-host' };
const ACME_IN = { id: 'acme', name: 'Acme Processing', kind: 'processor' };
const SYSTEMS = ['crm', 'backups'];

describe('GET /v1/tenants/{t}/processing-record', () => {
  let ledger: RunningLedger;
  const clock = new TestClock('2026-03-01T10:00:00.000Z');

  beforeAll(async () => {
    ledger = await startLedger({ clock, env: { LEDGER_ERASURE_SYSTEMS: SYSTEMS.join(','), LEDGER_ERASURE_DAYS: '30' } });
  });
  afterAll(async () => {
    await ledger.close();
    removeDataDir(ledger.dataDir);
  });

  const ok = async (path: string, body: unknown) => {
    const answer = await ledger.post(path, body);
    expect([200, 201]).toContain(answer.status);
    return answer;
  };

  /**
   * Four subjects of one tenant: two with live consent, one who withdrew everything (an
   * erasure opens), one erased on time; three transfers; plus a twin tenant whose facts
   * must never appear in the first tenant's record.
   */
  const seed = async () => {
    const tenant = newTenant();
    const [asha, ravi, mira, omar] = [newSubject(), newSubject(), newSubject(), newSubject()];
    await ok(
      `${subjectPath(tenant, asha)}/consents`,
      consentBody({ purposes: ['crm-access', 'usage-analytics'], subjectType: 'end-user' }),
    );
    await ok(`${subjectPath(tenant, ravi)}/consents`, consentBody({ purposes: ['crm-access'], subjectType: 'authorised-user' }));
    await ok(`${subjectPath(tenant, mira)}/consents`, consentBody({ purposes: ['marketing-communications'], subjectType: 'end-user' }));
    await ok(`${subjectPath(tenant, mira)}/consents/withdrawals`, { channel: 'web' });
    // Erased on request with its consent still recorded as given: no longer "in use".
    await ok(`${subjectPath(tenant, omar)}/consents`, consentBody({ purposes: ['crm-access'], subjectType: undefined }));
    await ok(`${subjectPath(tenant, omar)}/deletion-requests`, {});
    for (const system of SYSTEMS) await ok(`${subjectPath(tenant, omar)}/deletion-completions`, { system });
    await ok(
      `${subjectPath(tenant, asha)}/transfers`,
      transferBody({ recipient: AWS_SG, country: 'SG', purpose: 'crm-access', legalBasis: 'consent' }),
    );
    await ok(
      `${subjectPath(tenant, asha)}/transfers`,
      transferBody({
        recipient: ACME_IN,
        country: 'IN',
        purpose: 'usage-analytics',
        legalBasis: 'contract',
        dataCategories: ['npii.pages-viewed'],
      }),
    );
    await ok(
      `${subjectPath(tenant, ravi)}/transfers`,
      transferBody({ recipient: AWS_US, country: 'US', purpose: 'crm-access', legalBasis: 'contract' }),
    );
    const grievance = await ok(`${subjectPath(tenant, asha)}/grievances`, {
      category: 'marketing',
      channel: 'email',
      receivedAt: '2026-02-20T00:00:00Z',
    });
    await ok(`${subjectPath(tenant, asha)}/grievances/${grievance.body.grievanceId}/resolution`, {
      outcome: 'upheld',
      resolvedAt: '2026-02-25T00:00:00Z',
    });
    await ok(`${subjectPath(tenant, ravi)}/grievances`, { category: 'access', channel: 'web', receivedAt: '2026-01-02T00:00:00Z' });

    const other = newTenant();
    const twin = newSubject();
    await ok(`${subjectPath(other, twin)}/consents`, consentBody({ purposes: ['crm-access'] }));
    const last = await ok(
      `${subjectPath(other, twin)}/transfers`,
      transferBody({ recipient: { id: 'fr-host', name: 'FR Host', kind: 'cloud-host' }, country: 'FR' }),
    );
    return { tenant, atLeast: lastPosition(last) };
  };

  it('lists the purposes in use with the subjects granted now and the transfers made for each', async () => {
    const { tenant, atLeast } = await seed();

    const answer = await ledger.get(`/v1/tenants/${tenant}/processing-record?atLeast=${atLeast}`);

    expect(answer.status).toBe(200);
    // In the catalogue's order (domain.md); withdrawn marketing consent is no longer in use.
    expect(answer.body.purposes).toEqual([
      { purpose: 'usage-analytics', description: 'understand use of the website and product', subjectsGranted: 1, transfers: 1 },
      { purpose: 'crm-access', description: 'access to Customer Data through the CRM tool', subjectsGranted: 2, transfers: 2 },
    ]);
    expect(answer.body.subjects).toEqual({ total: 4, byType: { 'authorised-user': 1, 'end-user': 2, unspecified: 1 } });
  });

  it('sums data categories, recipients by kind and country, and the cross-border destinations', async () => {
    const { tenant, atLeast } = await seed();

    const record = (await ledger.get(`/v1/tenants/${tenant}/processing-record?atLeast=${atLeast}`)).body;

    expect(record.tenantId).toBe(tenant);
    expect(record.jurisdiction).toBe('IN');
    expect(record.transfers).toBe(3);
    expect(record.dataCategoriesTransferred).toEqual([
      { category: 'npii.pages-viewed', transfers: 1 },
      { category: 'pii.name', transfers: 2 },
      { category: 'pii.phone-number', transfers: 2 },
    ]);
    expect(record.recipientsByKindAndCountry).toEqual([
      { kind: 'cloud-host', country: 'SG', recipients: 1, transfers: 1 },
      { kind: 'cloud-host', country: 'US', recipients: 1, transfers: 1 },
      { kind: 'processor', country: 'IN', recipients: 1, transfers: 1 },
    ]);
    expect(
      record.crossBorder.map((d: { country: string; transfers: number; legalBases: string[] }) => [d.country, d.transfers, d.legalBases]),
    ).toEqual([
      ['SG', 1, ['consent']],
      ['US', 1, ['contract']],
    ]);
    expect(record.recipients.map((r: { id: string }) => r.id)).toEqual(['acme', 'aws.sg', 'aws.us']);
    expect(JSON.stringify(record)).not.toContain('FR');
  });

  it('states the erasure deadline in force and the share of erasures completed on time', async () => {
    const { tenant, atLeast } = await seed();

    const record = (await ledger.get(`/v1/tenants/${tenant}/processing-record?atLeast=${atLeast}`)).body;

    expect(record.erasure).toMatchObject({
      deadlineDays: 30,
      systems: SYSTEMS,
      requested: 2,
      open: 1,
      overdue: 0,
      completed: 1,
      completedOnTime: 1,
      onTimeShare: 1,
    });
  });

  it('states the grievance deadline in force and how many were redressed on time', async () => {
    const { tenant, atLeast } = await seed();

    const record = (await ledger.get(`/v1/tenants/${tenant}/processing-record?atLeast=${atLeast}`)).body;

    // Ravi's grievance of Jan 2 was due Feb 2: overdue on Mar 1.
    expect(record.grievances).toEqual({
      deadline: 'one calendar month',
      lodged: 2,
      open: 0,
      overdue: 1,
      resolved: 1,
      resolvedOnTime: 1,
      onTimeShare: 1,
    });
  });

  it('gives the same figures as CSV, one figure per row', async () => {
    const { tenant, atLeast } = await seed();

    const answer = await ledger.get(`/v1/tenants/${tenant}/processing-record?atLeast=${atLeast}`, { accept: 'text/csv' });

    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, ...rows] = parseCsv(answer.text);
    expect(header).toEqual(['section', 'item', 'kind', 'country', 'measure', 'value']);
    expect(rows).toContainEqual(['purpose', 'crm-access', '', '', 'subjects-granted', '2']);
    expect(rows).toContainEqual(['cross-border', 'US', '', 'US', 'transfers', '1']);
    expect(rows).toContainEqual(['erasure', 'deadline', '', '', 'days', '30']);
    expect(rows).toContainEqual(['data-category', 'npii.pages-viewed', '', '', 'transfers', '1']);
  });

  it('answers an empty record for a tenant with no facts', async () => {
    const answer = await ledger.get(`/v1/tenants/${newTenant()}/processing-record`);

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      purposes: [],
      transfers: 0,
      crossBorder: [],
      subjects: { total: 0 },
      erasure: { requested: 0, onTimeShare: null },
    });
  });

  it('refuses a malformed tenant id naming the field', async () => {
    const answer = await ledger.get('/v1/tenants/bad%20tenant/processing-record');

    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([expect.objectContaining({ field: 'tenantId' })]);
  });
});

describe('the processing record under another jurisdiction', () => {
  it('counts transfers outside the configured country as cross-border', async () => {
    const ledger = await startLedger({ env: { LEDGER_JURISDICTION: 'SG' } });
    try {
      const tenant = newTenant();
      const subject = newSubject();
      await ledger.post(`${subjectPath(tenant, subject)}/consents`, consentBody({ purposes: ['crm-access'] }));
      await ledger.post(`${subjectPath(tenant, subject)}/transfers`, transferBody({ recipient: AWS_SG, country: 'SG' }));
      const last = await ledger.post(
        `${subjectPath(tenant, subject)}/transfers`,
        transferBody({ recipient: ACME_IN, country: 'IN', legalBasis: 'contract' }),
      );

      const record = (await ledger.get(`/v1/tenants/${tenant}/processing-record?atLeast=${lastPosition(last)}`)).body;

      expect(record.jurisdiction).toBe('SG');
      expect(record.crossBorder.map((d: { country: string }) => d.country)).toEqual(['IN']);
    } finally {
      await ledger.close();
      removeDataDir(ledger.dataDir);
    }
  });
});
