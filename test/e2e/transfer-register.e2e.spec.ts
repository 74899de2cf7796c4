import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { removeDataDir, startLedger, type RunningLedger } from '../support/ledger-app.js';
import { caughtUp, csvObjects, eventIds, lastPosition, parseCsv } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';
import { TestClock } from '../support/test-clock.js';

interface Seeded {
  readonly name: string;
  readonly subjectId: string;
  readonly occurredAt: string;
  readonly country: string;
  readonly recipient: { id: string; name: string; kind: string };
  readonly purpose: string;
  readonly legalBasis: string;
  readonly dataCategories: string[];
}

const AWS_SG = { id: 'aws-sg', name: 'Amazon Web Services, Singapore', kind: 'cloud-host' };
const AWS_US = { id: 'aws-us', name: 'Amazon Web Services', kind: 'cloud-host' };
const ACME_IN = { id: 'acme-in', name: 'Acme Processing', kind: 'processor' };
const DEVCO = { id: 'devco', name: 'DevCo "Labs"', kind: 'development-partner' };
const CERT_IN = { id: 'cert-in', name: 'CERT-In', kind: 'government' };

describe('GET /v1/tenants/{t}/transfers', () => {
  let ledger: RunningLedger;
  const clock = new TestClock('2026-03-01T10:00:00.000Z');

  beforeAll(async () => {
    ledger = await startLedger({ clock });
  });
  afterAll(async () => {
    await ledger.close();
    removeDataDir(ledger.dataDir);
  });

  /**
   * One tenant's register, recorded out of time order on purpose, plus a twin in another
   * tenant (same recipient, country, purpose and instant) that must never show up. The
   * consent-based one gets consent first.
   */
  const seedRegister = async () => {
    const tenant = newTenant();
    const other = newTenant();
    const [s1, s2, s3] = [newSubject(), newSubject(), newSubject()];
    const t = (
      name: string,
      subjectId: string,
      occurredAt: string,
      country: string,
      recipient: Seeded['recipient'],
      purpose: string,
      legalBasis = 'contract',
    ): Seeded => ({
      name,
      subjectId,
      occurredAt,
      country,
      recipient,
      purpose,
      legalBasis,
      dataCategories: ['pii.name', 'pii.phone-number'],
    });
    const inTimeOrder: Seeded[] = [
      t('t1', s1, '2026-01-05T10:00:00.000Z', 'SG', AWS_SG, 'crm-access', 'consent'),
      t('t2', s1, '2026-01-10T00:00:00.000Z', 'IN', ACME_IN, 'usage-analytics'),
      t('t3', s2, '2026-01-15T00:00:00.000Z', 'SG', DEVCO, 'product-improvement'),
      t('t4', s2, '2026-01-20T00:00:00.000Z', 'US', AWS_US, 'crm-access'),
      t('t5', s3, '2026-02-01T00:00:00.000Z', 'SG', AWS_SG, 'usage-analytics'),
      t('t6', s3, '2026-02-10T00:00:00.000Z', 'IN', CERT_IN, 'policy-notifications', 'legal-obligation'),
    ];
    const recordOrder = ['t4', 't1', 't6', 't2', 't5', 't3'];
    const consent = await ledger.post(
      `${subjectPath(tenant, s1)}/consents`,
      consentBody({ purposes: ['crm-access'], occurredAt: '2026-01-01T00:00:00Z' }),
    );
    expect(consent.status).toBe(201);
    const ids = new Map<string, string>();
    let at = 0;
    for (const name of recordOrder) {
      const seeded = inTimeOrder.find((s) => s.name === name)!;
      const answer = await ledger.post(
        `${subjectPath(tenant, seeded.subjectId)}/transfers`,
        transferBody({
          recipient: seeded.recipient,
          country: seeded.country,
          purpose: seeded.purpose,
          legalBasis: seeded.legalBasis,
          dataCategories: seeded.dataCategories,
          reference: `ref-${name}`,
          occurredAt: seeded.occurredAt,
        }),
      );
      expect(answer.status).toBe(201);
      ids.set(name, eventIds(answer)[0]!);
      at = Math.max(at, lastPosition(answer));
    }
    const twin = await ledger.post(
      `${subjectPath(other, s1)}/transfers`,
      transferBody({
        recipient: AWS_SG,
        country: 'SG',
        purpose: 'crm-access',
        legalBasis: 'contract',
        occurredAt: '2026-01-05T10:00:00Z',
        reference: 'twin',
      }),
    );
    expect(twin.status).toBe(201);
    at = Math.max(at, lastPosition(twin));
    // On a busy machine the read models (FerretDB in CI) can take longer than the 2 s an `atLeast` read waits.
    await caughtUp(ledger, 30_000);
    return { tenant, other, inTimeOrder, ids, twinId: eventIds(twin)[0]!, at };
  };

  type Register = Awaited<ReturnType<typeof seedRegister>>;

  const names = (register: Register, answer: { body: { transfers: { eventId: string }[] } }): string[] => {
    const byId = new Map([...register.ids].map(([name, id]) => [id, name]));
    return answer.body.transfers.map((t) => byId.get(t.eventId) ?? `foreign:${t.eventId}`);
  };

  const list = (register: Register, query = '', headers?: Record<string, string>) =>
    ledger.get(`/v1/tenants/${register.tenant}/transfers?atLeast=${register.at}${query === '' ? '' : `&${query}`}`, headers);

  describe('without filters', () => {
    it('lists the tenant register in occurredAt order with every field of each transfer', async () => {
      const register = await seedRegister();
      const answer = await list(register);
      expect(answer.status).toBe(200);
      expect(answer.body.tenantId).toBe(register.tenant);
      expect(answer.body.nextCursor).toBeNull();
      expect(names(register, answer)).toEqual(['t1', 't2', 't3', 't4', 't5', 't6']);
      const first = answer.body.transfers[0];
      expect(first).toEqual({
        tenantId: register.tenant,
        subjectId: register.inTimeOrder[0]!.subjectId,
        transferId: expect.any(String),
        eventId: register.ids.get('t1'),
        occurredAt: '2026-01-05T10:00:00.000Z',
        recordedAt: '2026-03-01T10:00:00.000Z',
        recipientId: 'aws-sg',
        recipientName: 'Amazon Web Services, Singapore',
        recipientKind: 'cloud-host',
        country: 'SG',
        dataCategories: ['pii.name', 'pii.phone-number'],
        purpose: 'crm-access',
        legalBasis: 'consent',
        reference: 'ref-t1',
        globalPosition: expect.any(Number),
      });
    });

    it('keeps each tenant to its own transfers', async () => {
      const register = await seedRegister();
      const theirs = await ledger.get(`/v1/tenants/${register.other}/transfers?atLeast=${register.at}`);
      expect(theirs.body.transfers.map((t: { eventId: string }) => t.eventId)).toEqual([register.twinId]);
      expect(theirs.body.transfers[0].tenantId).toBe(register.other);
      const ours = await list(register, 'recipientId=aws-sg&country=SG&purpose=crm-access');
      expect(names(register, ours)).toEqual(['t1']);
      const nobody = await ledger.get(`/v1/tenants/${newTenant()}/transfers?atLeast=${register.at}`);
      expect(nobody.status).toBe(200);
      expect(nobody.body).toMatchObject({ transfers: [], nextCursor: null });
    });
  });

  describe('filters', () => {
    it.each([
      ['country=SG', ['t1', 't3', 't5']],
      ['country=IN', ['t2', 't6']],
      ['country=FR', []],
      ['recipientKind=cloud-host', ['t1', 't4', 't5']],
      ['recipientKind=government', ['t6']],
      ['recipientKind=regulator', []],
      ['recipientId=aws-sg', ['t1', 't5']],
      ['recipientId=devco', ['t3']],
      ['purpose=crm-access', ['t1', 't4']],
      ['purpose=usage-analytics', ['t2', 't5']],
      ['from=2026-01-10T00:00:00Z', ['t2', 't3', 't4', 't5', 't6']],
      ['from=2026-01-10T00:00:00.001Z', ['t3', 't4', 't5', 't6']],
      ['to=2026-01-20T00:00:00Z', ['t1', 't2', 't3']],
      ['to=2026-01-20T00:00:00.001Z', ['t1', 't2', 't3', 't4']],
      ['from=2026-01-10T00:00:00Z&to=2026-01-20T00:00:00Z', ['t2', 't3']],
      [`from=${encodeURIComponent('2026-01-10T05:30:00+05:30')}`, ['t2', 't3', 't4', 't5', 't6']],
      ['country=SG&from=2026-01-15T00:00:00Z&to=2026-02-01T00:00:00Z', ['t3']],
      ['country=SG&from=2026-01-15T00:00:00Z', ['t3', 't5']],
      ['country=SG&recipientKind=cloud-host', ['t1', 't5']],
      ['recipientKind=cloud-host&purpose=crm-access&to=2026-01-20T00:00:00Z', ['t1']],
      ['country=US&recipientId=aws-sg', []],
      // A valid bound in year 10000 (23:00 at -05:00 on 9999-12-31) is later than every transfer.
      [`to=${encodeURIComponent('9999-12-31T23:00:00-05:00')}`, ['t1', 't2', 't3', 't4', 't5', 't6']],
      [`from=2026-01-10T00:00:00Z&to=${encodeURIComponent('9999-12-31T23:00:00-05:00')}`, ['t2', 't3', 't4', 't5', 't6']],
      [`from=${encodeURIComponent('9999-12-31T23:00:00-05:00')}`, []],
    ])('?%s gives %j', async (query, expected) => {
      const register = await seedRegister();
      const answer = await list(register, query);
      expect(answer.status).toBe(200);
      expect(names(register, answer)).toEqual(expected);
    });
  });

  describe('paging', () => {
    const walk = async (register: Register, query: string) => {
      const pages: any[] = [];
      let cursor: string | null = null;
      do {
        const answer = await list(register, `${query}${cursor === null ? '' : `&cursor=${cursor}`}`);
        expect(answer.status).toBe(200);
        pages.push(answer.body);
        cursor = answer.body.nextCursor;
        if (pages.length > 20) throw new Error('paging does not end');
      } while (cursor !== null);
      return pages;
    };

    it('walks the whole register across pages, every transfer once, in order', async () => {
      const register = await seedRegister();
      const pages = await walk(register, 'limit=4');
      expect(pages.map((p) => p.transfers.length)).toEqual([4, 2]);
      expect(pages[0].nextCursor).toEqual(expect.any(String));
      expect(pages.at(-1).nextCursor).toBeNull();
      expect(pages.flatMap((p) => names(register, { body: p }))).toEqual(['t1', 't2', 't3', 't4', 't5', 't6']);
    });

    it('pages within a filter', async () => {
      const register = await seedRegister();
      const pages = await walk(register, 'country=SG&limit=1');
      expect(pages.map((p) => names(register, { body: p }))).toEqual([['t1'], ['t3'], ['t5']]);
      expect(pages.at(-1).nextCursor).toBeNull();
    });

    it('neither skips nor repeats transfers that happened at the same instant', async () => {
      const tenant = newTenant();
      const ids: string[] = [];
      let at = 0;
      for (let i = 0; i < 5; i++) {
        const answer = await ledger.post(
          `${subjectPath(tenant, newSubject())}/transfers`,
          transferBody({ legalBasis: 'contract', occurredAt: '2026-02-01T00:00:00Z', reference: `same-${i}` }),
        );
        ids.push(eventIds(answer)[0]!);
        at = lastPosition(answer);
      }
      await caughtUp(ledger, 30_000);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: any = await ledger.get(
          `/v1/tenants/${tenant}/transfers?atLeast=${at}&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`,
        );
        seen.push(...page.body.transfers.map((t: { eventId: string }) => t.eventId));
        cursor = page.body.nextCursor;
        pages++;
      } while (cursor !== null && pages < 10);
      expect(pages).toBe(3);
      expect([...seen].sort()).toEqual([...ids].sort());
      expect(new Set(seen).size).toBe(5);
    });

    it('refuses a garbled cursor with 400 naming cursor', async () => {
      const register = await seedRegister();
      const answer = await list(register, `cursor=${Buffer.from('{"occurredAt":"2026"}').toString('base64url')}`);
      expect(answer.status).toBe(400);
      expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain('cursor');
    });
  });

  describe('as CSV', () => {
    it('answers text/csv with the filters applied, one row per transfer, commas and quotes kept', async () => {
      const register = await seedRegister();
      const answer = await list(register, 'country=SG', { accept: 'text/csv' });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(answer.headers.get('content-disposition')).toContain('attachment');
      const [header] = parseCsv(answer.text);
      expect(header).toEqual(
        expect.arrayContaining([
          'occurredAt',
          'eventId',
          'subjectId',
          'recipientId',
          'recipientName',
          'recipientKind',
          'country',
          'purpose',
          'legalBasis',
        ]),
      );
      const rows = csvObjects(answer.text);
      expect(rows.map((r) => r['eventId'])).toEqual(['t1', 't3', 't5'].map((n) => register.ids.get(n)));
      expect(rows.every((r) => r['country'] === 'SG')).toBe(true);
      expect(rows[0]).toMatchObject({
        occurredAt: '2026-01-05T10:00:00.000Z',
        recipientName: 'Amazon Web Services, Singapore',
        recipientKind: 'cloud-host',
        purpose: 'crm-access',
        legalBasis: 'consent',
        dataCategories: 'pii.name;pii.phone-number',
        reference: 'ref-t1',
      });
      expect(rows[1]!['recipientName']).toBe('DevCo "Labs"');
    });

    it('exports every matching transfer whatever the page limit, and honours from/to', async () => {
      const register = await seedRegister();
      const answer = await list(register, 'limit=1&from=2026-01-10T00:00:00Z&to=2026-02-10T00:00:00Z', { accept: 'text/csv' });
      expect(csvObjects(answer.text).map((r) => r['eventId'])).toEqual(['t2', 't3', 't4', 't5'].map((n) => register.ids.get(n)));
    });

    it('exports only a header for a tenant without transfers', async () => {
      const answer = await ledger.get(`/v1/tenants/${newTenant()}/transfers`, { accept: 'text/csv' });
      expect(answer.status).toBe(200);
      const records = parseCsv(answer.text);
      expect(records).toHaveLength(1);
      expect(records[0]).toContain('eventId');
    });
  });

  describe('invalid filters', () => {
    it.each([
      ['country=XX', 'country'],
      ['country=sg', 'country'],
      ['country=SGP', 'country'],
      ['recipientKind=friend', 'recipientKind'],
      ['purpose=mind-reading', 'purpose'],
      ['recipientId=%2Fetc', 'recipientId'],
      ['from=yesterday', 'from'],
      ['to=2026-01-20', 'to'],
      ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'to'],
      ['from=2026-02-01T00:00:00Z&to=2026-02-01T00:00:00Z', 'to'],
      ['limit=0', 'limit'],
      ['atLeast=x', 'atLeast'],
      ['sort=desc', 'sort'],
    ])('refuses ?%s with 400 naming %s (JSON and CSV alike)', async (query, field) => {
      const tenant = newTenant();
      for (const headers of [undefined, { accept: 'text/csv' }]) {
        const answer = await ledger.get(`/v1/tenants/${tenant}/transfers?${query}`, headers);
        expect(answer.status).toBe(400);
        expect(answer.headers.get('content-type')).toContain('application/problem+json');
        expect(answer.body.code).toBe('validation-failed');
        expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
    });

    it('refuses a malformed tenant id with 400 naming tenantId', async () => {
      const answer = await ledger.get('/v1/tenants/a%2Fb/transfers');
      expect(answer.status).toBe(400);
      expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain('tenantId');
    });
  });
});
