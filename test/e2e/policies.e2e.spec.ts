import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import type { StoredEvent } from '../../src/event-store/event-store.port.js';
import { verifyLog } from '../../src/evidence/verify-log.js';
import { EsdbProtocolTestServer } from '../esdb/esdb-protocol-test-server.js';
import { removeDataDir, startLedger, type HttpAnswer, type RunningLedger } from '../support/ledger-app.js';
import { caughtUp, csvObjects, lastPosition, parseCsv } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';
import { storedFormOf } from '../support/sealed-events.js';
import { TestClock } from '../support/test-clock.js';

/**
 * Policy versions, consent under them, re-consent after a material change, and notices
 * (domain.md rules 1 and 6), through the real HTTP app. Every test uses tenants of its own.
 */

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const policyBody = (version: string, overrides: Record<string, unknown> = {}) => ({
  version,
  effectiveFrom: '2026-01-01T00:00:00Z',
  material: true,
  url: `https://example.com/privacy/${version}`,
  textSha256: sha256(`privacy policy ${version}`),
  ...overrides,
});

const NOW = '2026-04-01T10:00:00.000Z';

describe('policy versions, re-consent and notices', () => {
  let ledger: RunningLedger;
  const clock = new TestClock(NOW);

  beforeAll(async () => {
    ledger = await startLedger({ clock });
  });
  afterAll(async () => {
    await ledger.close();
    removeDataDir(ledger.dataDir);
  });

  const policies = (tenant: string) => `/v1/tenants/${tenant}/policies`;
  const publish = (tenant: string, body: unknown, headers?: Record<string, string>) => ledger.post(policies(tenant), body, headers);
  const notify = (tenant: string, version: string, body: unknown, headers?: Record<string, string>) =>
    ledger.post(`${policies(tenant)}/${version}/notices`, body, headers);
  const consent = (tenant: string, subject: string, policyVersion: string, purposes: string[], occurredAt?: string) =>
    ledger.post(`${subjectPath(tenant, subject)}/consents`, consentBody({ policyVersion, purposes, ...(occurredAt && { occurredAt }) }));
  const tenantEvents = (tenant: string) => ledger.auditEvents(`?tenantId=${tenant}`);

  /**
   * After a seed of many events: the read models on FerretDB (MONGODB_URL) can take longer
   * than the 2 s an `atLeast` read waits, which would then rightly answer 503.
   */
  const settled = () => caughtUp(ledger, 30_000);

  const created = (answer: HttpAnswer): HttpAnswer => {
    expect({ status: answer.status, body: answer.body }).toMatchObject({ status: 201 });
    return answer;
  };

  describe('POST /v1/tenants/{t}/policies', () => {
    it('publishes a version as policy-published on the tenant policy stream, effectiveFrom normalised to UTC', async () => {
      const tenant = newTenant();
      const body = policyBody('2026-01', {
        effectiveFrom: '2026-01-01T05:30:00+05:30',
        material: false,
        occurredAt: '2026-03-31T09:00:00Z',
      });
      const answer = created(await publish(tenant, body, { 'x-actor': 'policy-service' }));
      expect(answer.body).toEqual({
        tenantId: tenant,
        version: '2026-01',
        events: [{ id: expect.any(String), type: 'policy-published', streamPosition: 0, globalPosition: expect.any(Number) }],
      });
      const [event, ...others] = await tenantEvents(tenant);
      expect(others).toEqual([]);
      expect(event).toMatchObject({
        id: answer.body.events[0].id,
        type: 'policy-published',
        streamId: `policy-${tenant}`,
        streamPosition: 0,
        occurredAt: '2026-03-31T09:00:00.000Z',
        recordedAt: NOW,
        data: {
          version: '2026-01',
          effectiveFrom: '2026-01-01T00:00:00.000Z',
          material: false,
          url: 'https://example.com/privacy/2026-01',
          textSha256: sha256('privacy policy 2026-01'),
        },
        metadata: { tenantId: tenant, subjectId: '', actor: 'policy-service', idempotencyKey: null },
      });
      expect(Object.keys(event.data).sort()).toEqual(['effectiveFrom', 'material', 'textSha256', 'url', 'version']);
    });

    it('answers 200 with no event when the same version is published again with the same fields', async () => {
      const tenant = newTenant();
      created(await publish(tenant, policyBody('v1')));
      const again = await publish(tenant, policyBody('v1'));
      // The same instant spelt in another zone is the same publication.
      const sameInstant = await publish(tenant, policyBody('v1', { effectiveFrom: '2026-01-01T05:30:00+05:30' }));
      expect([again.status, sameInstant.status]).toEqual([200, 200]);
      expect(again.body).toEqual({ tenantId: tenant, version: 'v1', events: [] });
      expect((await tenantEvents(tenant)).map((e) => e.type)).toEqual(['policy-published']);
    });

    it.each([
      ['effectiveFrom', { effectiveFrom: '2026-02-01T00:00:00Z' }],
      ['material', { material: false }],
      ['url', { url: 'https://example.com/privacy/other' }],
      ['textSha256', { textSha256: sha256('other words') }],
    ])('refuses the same version with another %s: 409 policy-version-exists, nothing written', async (field, change) => {
      const tenant = newTenant();
      created(await publish(tenant, policyBody('v1')));
      const answer = await publish(tenant, policyBody('v1', change));
      expect(answer.status).toBe(409);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body.code).toBe('policy-version-exists');
      expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
      expect((await tenantEvents(tenant)).map((e) => e.type)).toEqual(['policy-published']);
    });

    it('keeps versions of different tenants apart', async () => {
      const [acme, globex] = [newTenant(), newTenant()];
      created(await publish(acme, policyBody('v1')));
      created(await publish(globex, policyBody('v1', { material: false })));
      expect((await tenantEvents(globex)).map((e) => e.data.material)).toEqual([false]);
    });

    it('gives the first answer again for a retry with the same Idempotency-Key, and writes once', async () => {
      const tenant = newTenant();
      const headers = { 'idempotency-key': 'publish-v1' };
      const first = created(await publish(tenant, policyBody('v1'), headers));
      const retry = await publish(tenant, policyBody('v1'), headers);
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      const reused = await publish(tenant, policyBody('v2'), headers);
      expect(reused.status).toBe(422);
      expect(reused.body.code).toBe('idempotency-key-reused');
      const events = await tenantEvents(tenant);
      expect(events.map((e) => [e.type, e.data.version, e.metadata.idempotencyKey])).toEqual([['policy-published', 'v1', 'publish-v1']]);
    });

    it('publishes once when the same publication arrives several times at once, and chains concurrent versions', async () => {
      const tenant = newTenant();
      const same = await Promise.all(Array.from({ length: 5 }, () => publish(tenant, policyBody('v1'))));
      expect(same.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 201]);
      const versions = await Promise.all(['v2', 'v3', 'v4'].map((version) => publish(tenant, policyBody(version))));
      expect(versions.map((a) => a.status)).toEqual([201, 201, 201]);
      const events = await tenantEvents(tenant);
      expect(events.map((e) => e.streamPosition)).toEqual([0, 1, 2, 3]);
      expect(events.map((e) => e.data.version).sort()).toEqual(['v1', 'v2', 'v3', 'v4']);
      expect(events.slice(1).map((e, i) => e.metadata.prevHash === events[i].metadata.hash)).toEqual([true, true, true]);
    });

    it('shares the tenant key space with subject commands', async () => {
      const tenant = newTenant();
      const headers = { 'idempotency-key': 'one-key' };
      created(await ledger.post(`${subjectPath(tenant, newSubject())}/consents`, consentBody(), headers));
      const publication = await publish(tenant, policyBody('v1'), headers);
      expect(publication.status).toBe(422);
      expect(publication.body.code).toBe('idempotency-key-reused');
      expect((await tenantEvents(tenant)).map((e) => e.type)).toEqual(['consent-given']);
      // Another tenant's key space is its own.
      created(await publish(newTenant(), policyBody('v1'), headers));
    });

    const badPublications: [string, string, unknown][] = [
      ['version missing', 'version', policyBody('v1', { version: undefined })],
      ['version empty', 'version', policyBody('')],
      ['version with a slash', 'version', policyBody('v1/2')],
      ['version starting with a dot', 'version', policyBody('.v1')],
      ['version of 65 characters', 'version', policyBody('v'.repeat(65))],
      ['version is a number', 'version', policyBody('v1', { version: 3 })],
      ['effectiveFrom missing', 'effectiveFrom', policyBody('v1', { effectiveFrom: undefined })],
      ['effectiveFrom is not a time', 'effectiveFrom', policyBody('v1', { effectiveFrom: 'next monday' })],
      ['effectiveFrom without a zone', 'effectiveFrom', policyBody('v1', { effectiveFrom: '2026-01-01T00:00:00' })],
      ['effectiveFrom on a day that does not exist', 'effectiveFrom', policyBody('v1', { effectiveFrom: '2026-02-30T00:00:00Z' })],
      ['material missing', 'material', policyBody('v1', { material: undefined })],
      ['material as a string', 'material', policyBody('v1', { material: 'true' })],
      ['material as a number', 'material', policyBody('v1', { material: 1 })],
      ['url missing', 'url', policyBody('v1', { url: undefined })],
      ['url over http', 'url', policyBody('v1', { url: 'http://example.com/privacy' })],
      ['url without a scheme', 'url', policyBody('v1', { url: 'example.com/privacy' })],
      ['url over ftp', 'url', policyBody('v1', { url: 'ftp://example.com/privacy' })],
      ['url that is no URL', 'url', policyBody('v1', { url: 'https://' })],
      ['textSha256 missing', 'textSha256', policyBody('v1', { textSha256: undefined })],
      ['textSha256 in upper case', 'textSha256', policyBody('v1', { textSha256: sha256('x').toUpperCase() })],
      ['textSha256 of 63 digits', 'textSha256', policyBody('v1', { textSha256: sha256('x').slice(1) })],
      ['textSha256 not hex', 'textSha256', policyBody('v1', { textSha256: 'g'.repeat(64) })],
      ['an unknown field', 'text', policyBody('v1', { text: 'the whole policy' })],
      ['occurredAt 10 minutes ahead', 'occurredAt', policyBody('v1', { occurredAt: '2026-04-01T10:10:00Z' })],
      ['a body that is an array', 'body', [policyBody('v1')]],
    ];

    it.each(badPublications)('refuses %s with 400 naming %s, writing nothing', async (_name, field, body) => {
      const tenant = newTenant();
      const answer = await publish(tenant, body);
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body.code).toBe('validation-failed');
      expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await tenantEvents(tenant)).toEqual([]);
    });

    it('refuses a malformed tenant id with 400 naming tenantId', async () => {
      const answer = await publish('a%2Fb', policyBody('v1'));
      expect(answer.status).toBe(400);
      expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain('tenantId');
    });
  });

  describe('consent under a policy version', () => {
    it('accepts any version label while the tenant has published none', async () => {
      const tenant = newTenant();
      created(await consent(tenant, newSubject(), 'whatever-2019', ['crm-access']));
      created(await consent(tenant, newSubject(), '2024-06', ['crm-access']));
    });

    it('refuses an unpublished version once the tenant has published: 422 unknown-policy-version naming policyVersion, nothing written', async () => {
      const tenant = newTenant();
      const subject = newSubject();
      created(await publish(tenant, policyBody('v1')));
      created(await publish(tenant, policyBody('v2', { effectiveFrom: '2026-03-01T00:00:00Z' })));
      const refused = await consent(tenant, subject, '2024-06', ['crm-access']);
      expect(refused.status).toBe(422);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body.code).toBe('unknown-policy-version');
      expect(refused.body.errors).toEqual([{ field: 'policyVersion', message: expect.stringContaining('v1, v2') }]);
      expect((await tenantEvents(tenant)).map((e) => e.type)).toEqual(['policy-published', 'policy-published']);
      expect((await ledger.get(subjectPath(tenant, subject))).status).toBe(404);

      const given = created(await consent(tenant, subject, 'v2', ['crm-access']));
      expect(given.body.events.map((e: { type: string }) => e.type)).toEqual(['consent-given']);
    });

    it('accepts a published version whose effectiveFrom is still ahead', async () => {
      const tenant = newTenant();
      created(await publish(tenant, policyBody('2027-01', { effectiveFrom: '2027-01-01T00:00:00Z' })));
      created(await consent(tenant, newSubject(), '2027-01', ['crm-access']));
    });

    it('leaves consents given before the first publication in place, and other commands unchecked', async () => {
      const tenant = newTenant();
      const subject = newSubject();
      created(await consent(tenant, subject, 'legacy', ['crm-access', 'usage-analytics']));
      created(await publish(tenant, policyBody('v1')));
      created(
        await ledger.post(`${subjectPath(tenant, subject)}/transfers`, transferBody({ purpose: 'crm-access', legalBasis: 'consent' })),
      );
      const withdrawal = created(
        await ledger.post(`${subjectPath(tenant, subject)}/consents/withdrawals`, { purposes: ['usage-analytics'] }),
      );
      const status = await ledger.get(`${subjectPath(tenant, subject)}?atLeast=${lastPosition(withdrawal)}`);
      expect(status.body.purposes['crm-access']).toMatchObject({ status: 'granted', policyVersion: 'legacy' });
    });

    it('checks each tenant against its own publications', async () => {
      const [acme, globex] = [newTenant(), newTenant()];
      created(await publish(acme, policyBody('acme-1')));
      expect((await consent(globex, newSubject(), 'acme-1', ['crm-access'])).status).toBe(201);
      created(await publish(globex, policyBody('globex-1')));
      expect((await consent(globex, newSubject(), 'acme-1', ['crm-access'])).body.code).toBe('unknown-policy-version');
    });
  });

  describe('GET /v1/tenants/{t}/re-consent', () => {
    const reConsent = (tenant: string, at: number, query = '', headers?: Record<string, string>) =>
      ledger.get(`/v1/tenants/${tenant}/re-consent?atLeast=${at}${query === '' ? '' : `&${query}`}`, headers);

    it('lists nobody, with a null material version, while no material version was published', async () => {
      const tenant = newTenant();
      created(await consent(tenant, newSubject(), 'legacy', ['crm-access']));
      const published = created(await publish(tenant, policyBody('v1', { material: false })));
      const answer = await reConsent(tenant, lastPosition(published));
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ tenantId: tenant, materialVersion: null, effectiveFrom: null, subjects: [], nextCursor: null });
    });

    it('lists exactly the subjects with a purpose granted under an older or never-published version, with those purposes', async () => {
      const tenant = newTenant();
      const other = newTenant();
      const [a, b, c, d, e, f, g] = Array.from({ length: 7 }, () => newSubject());
      // Before any publication: a legacy label.
      created(await consent(tenant, a!, 'legacy-2019', ['crm-access', 'usage-analytics'], '2025-06-01T00:00:00Z'));
      created(await consent(other, a!, 'legacy-2019', ['crm-access']));
      created(await publish(tenant, policyBody('v1', { effectiveFrom: '2026-01-01T00:00:00Z' })));
      created(await publish(tenant, policyBody('v1.1', { effectiveFrom: '2026-02-01T00:00:00Z', material: false })));
      created(await consent(tenant, b!, 'v1', ['crm-access'], '2026-01-05T00:00:00Z'));
      created(await consent(tenant, c!, 'v1.1', ['call-analytics'], '2026-02-05T00:00:00Z'));
      created(await consent(tenant, d!, 'v1', ['crm-access', 'marketing-communications'], '2026-01-06T00:00:00Z'));
      created(await consent(tenant, e!, 'v1', ['crm-access']));
      created(await consent(tenant, f!, 'v1', ['usage-analytics', 'crm-access']));
      created(await consent(tenant, g!, 'v1', ['crm-access']));

      // Under v1 as the material baseline, only the legacy consent is older.
      const beforeV2 = created(await consent(tenant, g!, 'v1', ['product-improvement']));
      await settled();
      const underV1 = await reConsent(tenant, lastPosition(beforeV2));
      expect(underV1.body).toMatchObject({ materialVersion: 'v1', effectiveFrom: '2026-01-01T00:00:00.000Z' });
      expect(underV1.body.subjects.map((s: { subjectId: string }) => s.subjectId)).toEqual([a]);

      created(await publish(tenant, policyBody('v2', { effectiveFrom: '2026-03-01T00:00:00Z' })));
      created(await publish(tenant, policyBody('v2.1', { effectiveFrom: '2026-03-15T00:00:00Z', material: false })));
      created(await consent(tenant, d!, 'v2', ['crm-access'])); // marketing stays on v1
      created(await consent(tenant, e!, 'v2.1', ['crm-access'])); // fully re-consented
      created(await consent(tenant, f!, 'v2', ['crm-access']));
      created(await ledger.post(`${subjectPath(tenant, f!)}/consents/withdrawals`, { purposes: ['usage-analytics'] })); // withdrawn
      const last = created(await ledger.post(`${subjectPath(tenant, g!)}/deletion-requests`, { reason: 'asked' })); // erasing
      await settled();

      const answer = await reConsent(tenant, lastPosition(last));
      expect(answer.status).toBe(200);
      expect(answer.body.materialVersion).toBe('v2');
      expect(answer.body.effectiveFrom).toBe('2026-03-01T00:00:00.000Z');
      expect(answer.body.nextCursor).toBeNull();
      const expected = [
        {
          subjectId: a,
          purposes: [
            { purpose: 'crm-access', policyVersion: 'legacy-2019', since: '2025-06-01T00:00:00.000Z' },
            { purpose: 'usage-analytics', policyVersion: 'legacy-2019', since: '2025-06-01T00:00:00.000Z' },
          ],
        },
        { subjectId: b, purposes: [{ purpose: 'crm-access', policyVersion: 'v1', since: '2026-01-05T00:00:00.000Z' }] },
        { subjectId: c, purposes: [{ purpose: 'call-analytics', policyVersion: 'v1.1', since: '2026-02-05T00:00:00.000Z' }] },
        { subjectId: d, purposes: [{ purpose: 'marketing-communications', policyVersion: 'v1', since: '2026-01-06T00:00:00.000Z' }] },
      ].sort((x, y) => (x.subjectId! < y.subjectId! ? -1 : 1));
      expect(answer.body.subjects).toEqual(expected);

      const csv = await reConsent(tenant, lastPosition(last), '', { accept: 'text/csv' });
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(csv.headers.get('content-disposition')).toContain('attachment');
      expect(csvObjects(csv.text)).toEqual(
        expected.flatMap((s) =>
          s.purposes.map((p) => ({
            subjectId: s.subjectId,
            ...p,
            materialVersion: 'v2',
            materialEffectiveFrom: '2026-03-01T00:00:00.000Z',
          })),
        ),
      );
    });

    it('lists nobody when a newer version is not material', async () => {
      const tenant = newTenant();
      created(await publish(tenant, policyBody('v1')));
      created(await consent(tenant, newSubject(), 'v1', ['crm-access']));
      const fix = created(await publish(tenant, policyBody('v1.0.1', { effectiveFrom: '2026-02-01T00:00:00Z', material: false })));
      const answer = await reConsent(tenant, lastPosition(fix));
      expect(answer.body).toEqual({
        tenantId: tenant,
        materialVersion: 'v1',
        effectiveFrom: '2026-01-01T00:00:00.000Z',
        subjects: [],
        nextCursor: null,
      });
    });

    it('takes the latest material version by effectiveFrom, not by publication order', async () => {
      const tenant = newTenant();
      const subject = newSubject();
      created(await publish(tenant, policyBody('2026-06', { effectiveFrom: '2026-06-01T00:00:00Z' })));
      created(await publish(tenant, policyBody('2026-03', { effectiveFrom: '2026-03-01T00:00:00Z' })));
      const given = created(await consent(tenant, subject, '2026-03', ['crm-access']));
      const answer = await reConsent(tenant, lastPosition(given));
      expect(answer.body.materialVersion).toBe('2026-06');
      expect(answer.body.subjects.map((s: { subjectId: string }) => s.subjectId)).toEqual([subject]);
    });

    describe('paging', () => {
      const PURPOSES = ['crm-access', 'usage-analytics', 'call-analytics', 'product-improvement'];
      const seed = async () => {
        const tenant = newTenant();
        const subjects = Array.from({ length: 12 }, () => newSubject()).sort();
        for (const subject of subjects) created(await consent(tenant, subject, 'legacy', PURPOSES));
        const at = lastPosition(created(await publish(tenant, policyBody('v1'))));
        await settled();
        return { tenant, subjects, at };
      };
      const walk = async (tenant: string, at: number, limit: number) => {
        const pages: { subjectId: string; purposes: { purpose: string }[] }[][] = [];
        let cursor: string | null = null;
        do {
          const answer: HttpAnswer = await reConsent(tenant, at, `limit=${limit}${cursor === null ? '' : `&cursor=${cursor}`}`);
          expect(answer.status).toBe(200);
          pages.push(answer.body.subjects);
          cursor = answer.body.nextCursor;
          if (pages.length > 20) throw new Error('paging does not end');
        } while (cursor !== null);
        return pages;
      };

      it.each([
        [3, [3, 3, 3, 3]],
        [5, [5, 5, 2]],
        [10, [10, 2]],
        [12, [12]],
      ])('with limit=%d walks every subject once, in order, each with all its purposes (pages %j)', async (limit, sizes) => {
        const { tenant, subjects, at } = await seed();
        const pages = await walk(tenant, at, limit);
        expect(pages.map((page) => page.length)).toEqual(sizes);
        const seen = pages.flat();
        expect(seen.map((s) => s.subjectId)).toEqual(subjects);
        for (const subject of seen) expect(subject.purposes.map((p) => p.purpose)).toEqual([...PURPOSES].sort());
      });

      it('exports every subject and purpose as CSV whatever the limit', async () => {
        const { tenant, subjects, at } = await seed();
        const answer = await reConsent(tenant, at, 'limit=1', { accept: 'text/csv' });
        const rows = csvObjects(answer.text);
        expect(rows).toHaveLength(subjects.length * PURPOSES.length);
        expect([...new Set(rows.map((r) => r['subjectId']))]).toEqual(subjects);
      });

      it.each([
        ['limit=0', 'limit'],
        ['limit=1001', 'limit'],
        ['atLeast=x', 'atLeast'],
        [`cursor=${Buffer.from('[1]').toString('base64url')}`, 'cursor'],
        [`cursor=${Buffer.from('["a","b"]').toString('base64url')}`, 'cursor'],
        ['cursor=%2F', 'cursor'],
        ['purpose=crm-access', 'purpose'],
      ])('refuses ?%s with 400 naming %s (JSON and CSV alike)', async (query, field) => {
        for (const headers of [undefined, { accept: 'text/csv' }]) {
          const answer = await ledger.get(`/v1/tenants/${newTenant()}/re-consent?${query}`, headers);
          expect(answer.status).toBe(400);
          expect(answer.headers.get('content-type')).toContain('application/problem+json');
          expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
        }
      });
    });
  });

  describe('POST /v1/tenants/{t}/policies/{version}/notices', () => {
    it('records a notice to the primary admin on the version notice stream', async () => {
      const tenant = newTenant();
      created(await publish(tenant, policyBody('v1')));
      const answer = created(
        await notify(tenant, 'v1', { channel: 'email', audience: 'primary-admin', sentAt: '2026-04-01T09:00:00+05:30' }),
      );
      expect(answer.body).toEqual({
        tenantId: tenant,
        version: 'v1',
        events: [{ id: expect.any(String), type: 'policy-notice-sent', streamPosition: 0, globalPosition: expect.any(Number) }],
      });
      const notice = (await tenantEvents(tenant)).find((e) => e.type === 'policy-notice-sent');
      expect(notice).toMatchObject({
        streamId: `policynotice-${tenant}/v1`,
        occurredAt: '2026-04-01T03:30:00.000Z',
        recordedAt: NOW,
        data: { version: 'v1', channel: 'email', audience: 'primary-admin', sentAt: '2026-04-01T03:30:00.000Z' },
        metadata: { tenantId: tenant, subjectId: '' },
      });
      expect(notice.data).not.toHaveProperty('subjectId');
    });

    it('records a notice to a subject, naming the subject in data and metadata; occurredAt works as sentAt', async () => {
      const tenant = newTenant();
      const subject = newSubject();
      created(await publish(tenant, policyBody('v1')));
      created(
        await notify(tenant, 'v1', { channel: 'pop-up', audience: 'subject', subjectId: subject, occurredAt: '2026-03-31T00:00:00Z' }),
      );
      const notice = (await tenantEvents(tenant)).find((e) => e.type === 'policy-notice-sent');
      expect(notice.data).toEqual({
        version: 'v1',
        channel: 'pop-up',
        audience: 'subject',
        subjectId: subject,
        sentAt: '2026-03-31T00:00:00.000Z',
      });
      expect(notice.metadata.subjectId).toBe(subject);
    });

    it('records every send, even the same one again, and stamps sentAt with the clock when not given', async () => {
      const tenant = newTenant();
      created(await publish(tenant, policyBody('v1')));
      const first = created(await notify(tenant, 'v1', { channel: 'email', audience: 'primary-admin' }));
      const second = created(await notify(tenant, 'v1', { channel: 'email', audience: 'primary-admin' }));
      expect([first.body.events[0].streamPosition, second.body.events[0].streamPosition]).toEqual([0, 1]);
      const notices = (await tenantEvents(tenant)).filter((e) => e.type === 'policy-notice-sent');
      expect(notices.map((e) => e.data.sentAt)).toEqual([NOW, NOW]);
    });

    it('answers 404 not-found for a version the tenant never published, writing nothing', async () => {
      const tenant = newTenant();
      created(await publish(tenant, policyBody('v1')));
      created(await publish(newTenant(), policyBody('v2')));
      const answer = await notify(tenant, 'v2', { channel: 'email', audience: 'primary-admin' });
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body.code).toBe('not-found');
      expect((await tenantEvents(tenant)).map((e) => e.type)).toEqual(['policy-published']);
    });

    const badNotices: [string, string, string, unknown][] = [
      ['an unknown channel', 'channel', 'v1', { channel: 'sms', audience: 'primary-admin' }],
      ['no channel', 'channel', 'v1', { audience: 'primary-admin' }],
      ['an unknown audience', 'audience', 'v1', { channel: 'email', audience: 'everyone' }],
      ['no audience', 'audience', 'v1', { channel: 'email' }],
      ['a subject audience without subjectId', 'subjectId', 'v1', { channel: 'email', audience: 'subject' }],
      ['a subjectId for the primary admin', 'subjectId', 'v1', { channel: 'email', audience: 'primary-admin', subjectId: 's-1' }],
      ['an e-mail address as subjectId', 'subjectId', 'v1', { channel: 'email', audience: 'subject', subjectId: 'asha@example.com' }],
      ['sentAt 10 minutes ahead', 'sentAt', 'v1', { channel: 'email', audience: 'primary-admin', sentAt: '2026-04-01T10:10:00Z' }],
      [
        'occurredAt 10 minutes ahead',
        'occurredAt',
        'v1',
        { channel: 'email', audience: 'primary-admin', occurredAt: '2026-04-01T10:10:00Z' },
      ],
      ['sentAt that is no time', 'sentAt', 'v1', { channel: 'email', audience: 'primary-admin', sentAt: 'today' }],
      ['both sentAt and occurredAt', 'sentAt', 'v1', { channel: 'email', audience: 'primary-admin', sentAt: NOW, occurredAt: NOW }],
      ['an unknown field', 'template', 'v1', { channel: 'email', audience: 'primary-admin', template: 'x' }],
      ['a version with a space in the path', 'version', 'v%201', { channel: 'email', audience: 'primary-admin' }],
      ['a version with a slash in the path', 'version', 'v%2F1', { channel: 'email', audience: 'primary-admin' }],
    ];

    it.each(badNotices)('refuses %s with 400 naming %s, writing nothing', async (_name, field, version, body) => {
      const tenant = newTenant();
      created(await publish(tenant, policyBody('v1')));
      const answer = await notify(tenant, version, body);
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('validation-failed');
      expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect((await tenantEvents(tenant)).map((e) => e.type)).toEqual(['policy-published']);
    });
  });

  describe('the policy-change report', () => {
    const seedReport = async () => {
      const tenant = newTenant();
      created(await publish(tenant, policyBody('v1', { occurredAt: '2026-03-31T00:00:00Z' })));
      clock.advance(1000);
      created(await publish(tenant, policyBody('v2', { effectiveFrom: '2026-05-01T00:00:00Z', material: false })));
      clock.set(NOW);
      const sends: [string, Record<string, unknown>][] = [
        ['v1', { channel: 'email', audience: 'primary-admin', sentAt: '2026-03-31T08:00:00Z' }],
        ['v1', { channel: 'pop-up', audience: 'primary-admin', sentAt: '2026-03-31T09:00:00Z' }],
        ['v1', { channel: 'pop-up', audience: 'subject', subjectId: 's-1', sentAt: '2026-03-31T10:00:00Z' }],
        ['v1', { channel: 'pop-up', audience: 'subject', subjectId: 's-2', sentAt: '2026-03-31T10:00:00Z' }],
        ['v1', { channel: 'email', audience: 'subject', subjectId: 's-3', sentAt: '2026-03-31T07:00:00Z' }],
        ['v1', { channel: 'pop-up', audience: 'subject', subjectId: 's-4', sentAt: '2026-03-31T11:00:00Z' }],
      ];
      let at = 0;
      const ids: string[] = [];
      for (const [version, body] of sends) {
        const answer = created(await notify(tenant, version, body));
        ids.push(answer.body.events[0].id);
        at = lastPosition(answer);
      }
      return { tenant, at, ids };
    };

    it('shows each version with its publication and who was notified through which channel', async () => {
      const { tenant, at, ids } = await seedReport();
      const answer = await ledger.get(`${policies(tenant)}?atLeast=${at}`);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        tenantId: tenant,
        nextCursor: null,
        policies: [
          {
            version: 'v1',
            effectiveFrom: '2026-01-01T00:00:00.000Z',
            material: true,
            url: 'https://example.com/privacy/v1',
            textSha256: sha256('privacy policy v1'),
            publishedAt: '2026-03-31T00:00:00.000Z',
            recordedAt: NOW,
            eventId: expect.any(String),
            notices: {
              primaryAdmin: [
                { channel: 'email', sentAt: '2026-03-31T08:00:00.000Z', recordedAt: NOW, eventId: ids[0] },
                { channel: 'pop-up', sentAt: '2026-03-31T09:00:00.000Z', recordedAt: NOW, eventId: ids[1] },
              ],
              subjects: { email: 1, 'pop-up': 3 },
            },
          },
          {
            version: 'v2',
            effectiveFrom: '2026-05-01T00:00:00.000Z',
            material: false,
            url: 'https://example.com/privacy/v2',
            textSha256: sha256('privacy policy v2'),
            publishedAt: '2026-04-01T10:00:01.000Z',
            recordedAt: '2026-04-01T10:00:01.000Z',
            eventId: expect.any(String),
            notices: { primaryAdmin: [], subjects: { email: 0, 'pop-up': 0 } },
          },
        ],
      });
      const other = await ledger.get(`${policies(newTenant())}?atLeast=${at}`);
      expect(other.body).toEqual({ tenantId: expect.any(String), policies: [], nextCursor: null });
    });

    it('pages the report and exports it as CSV', async () => {
      const { tenant, at } = await seedReport();
      const first = await ledger.get(`${policies(tenant)}?atLeast=${at}&limit=1`);
      expect(first.body.policies.map((p: { version: string }) => p.version)).toEqual(['v1']);
      const second = await ledger.get(`${policies(tenant)}?limit=1&cursor=${first.body.nextCursor}`);
      expect(second.body.policies.map((p: { version: string }) => p.version)).toEqual(['v2']);
      expect(second.body.nextCursor).toBeNull();

      const csv = await ledger.get(`${policies(tenant)}?atLeast=${at}`, { accept: 'text/csv' });
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(csvObjects(csv.text)).toEqual([
        expect.objectContaining({
          version: 'v1',
          effectiveFrom: '2026-01-01T00:00:00.000Z',
          material: 'true',
          url: 'https://example.com/privacy/v1',
          recordedAt: NOW,
          primaryAdminEmailNotices: '1',
          primaryAdminPopUpNotices: '1',
          primaryAdminNotices: 'email@2026-03-31T08:00:00.000Z;pop-up@2026-03-31T09:00:00.000Z',
          subjectEmailNotices: '1',
          subjectPopUpNotices: '3',
        }),
        expect.objectContaining({ version: 'v2', material: 'false', primaryAdminNotices: '', subjectPopUpNotices: '0' }),
      ]);
    });

    it('lists the notices of one version by sentAt, paged, and as CSV', async () => {
      const { tenant, at, ids } = await seedReport();
      const bySentAt = [ids[4], ids[0], ids[1], ids[2], ids[3], ids[5]];
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: HttpAnswer = await ledger.get(
          `${policies(tenant)}/v1/notices?atLeast=${at}&limit=4${cursor === null ? '' : `&cursor=${cursor}`}`,
        );
        expect(page.status).toBe(200);
        seen.push(...page.body.notices.map((n: { eventId: string }) => n.eventId));
        cursor = page.body.nextCursor;
        pages++;
      } while (cursor !== null && pages < 5);
      expect(pages).toBe(2);
      expect(seen).toEqual(bySentAt);

      const first = await ledger.get(`${policies(tenant)}/v1/notices?limit=1`);
      expect(first.body).toEqual({
        tenantId: tenant,
        version: 'v1',
        notices: [
          {
            eventId: ids[4],
            channel: 'email',
            audience: 'subject',
            subjectId: 's-3',
            sentAt: '2026-03-31T07:00:00.000Z',
            recordedAt: NOW,
            globalPosition: expect.any(Number),
          },
        ],
        nextCursor: expect.any(String),
      });

      const csv = await ledger.get(`${policies(tenant)}/v1/notices`, { accept: 'text/csv' });
      const rows = csvObjects(csv.text);
      expect(rows.map((r) => r['eventId'])).toEqual(bySentAt);
      expect(rows[1]).toMatchObject({ channel: 'email', audience: 'primary-admin', subjectId: '' });
      expect(parseCsv(csv.text)[0]).toEqual(['sentAt', 'recordedAt', 'channel', 'audience', 'subjectId', 'eventId', 'globalPosition']);

      const none = await ledger.get(`${policies(tenant)}/v2/notices`);
      expect(none.body).toMatchObject({ notices: [], nextCursor: null });
    });

    it('answers 404 for the notices of a version never published', async () => {
      const { tenant, at } = await seedReport();
      const answer = await ledger.get(`${policies(tenant)}/v9/notices?atLeast=${at}`);
      expect(answer.status).toBe(404);
      expect(answer.body.code).toBe('not-found');
    });
  });

  describe('in the audit log', () => {
    it('keeps policy events in the tenant filter of the audit stream, hash-chained and covered by the Merkle log', async () => {
      const [tenant, other] = [newTenant(), newTenant()];
      const subject = newSubject();
      created(await publish(tenant, policyBody('v1')));
      created(await publish(other, policyBody('v1')));
      created(await notify(tenant, 'v1', { channel: 'email', audience: 'primary-admin' }));
      created(await notify(tenant, 'v1', { channel: 'pop-up', audience: 'subject', subjectId: subject }));
      created(await consent(tenant, subject, 'v1', ['crm-access']));
      const publication = created(await publish(tenant, policyBody('v2', { effectiveFrom: '2026-02-01T00:00:00Z' })));

      const events = await tenantEvents(tenant);
      expect(events.map((e) => [e.type, e.streamId, e.streamPosition])).toEqual([
        ['policy-published', `policy-${tenant}`, 0],
        ['policy-notice-sent', `policynotice-${tenant}/v1`, 0],
        ['policy-notice-sent', `policynotice-${tenant}/v1`, 1],
        ['consent-given', `subject-${tenant}/${subject}`, 0],
        ['policy-published', `policy-${tenant}`, 1],
      ]);
      expect(events.every((e) => e.metadata.tenantId === tenant)).toBe(true);
      expect((await tenantEvents(other)).map((e) => e.type)).toEqual(['policy-published']);

      // The whole log, policy streams included, verifies as written (the consent's personal
      // values put back in their stored, sealed form).
      const all = (await ledger.auditEvents()).map(storedFormOf) as StoredEvent[];
      const verified = await verifyLog(
        (async function* () {
          yield* all;
        })(),
      );
      expect(verified).toMatchObject({ ok: true, events: all.length });

      const proof = await ledger.get(`/v1/audit/events/${publication.body.events[0].id}/proof?atLeast=${lastPosition(publication)}`);
      expect(proof.status).toBe(200);
    });
  });
});

describe('policy versions on EventStoreDB (protocol test server)', () => {
  const server = new EsdbProtocolTestServer({ batchAppend: true });
  let ledger: RunningLedger;

  beforeAll(async () => {
    const { connectionString } = await server.start();
    ledger = await startLedger({ env: { EVENTSTORE_CONNECTION_STRING: connectionString }, clock: new TestClock(NOW) });
  });
  afterAll(async () => {
    await ledger.close();
    await server.stop();
    removeDataDir(ledger.dataDir);
  });

  it('publishes, checks consent against the policy stream, records notices and serves the reads', async () => {
    const tenant = newTenant();
    const [early, late] = [newSubject(), newSubject()];
    // The tenant's policy stream does not exist yet: reading it is reading nothing.
    expect((await ledger.post(`${subjectPath(tenant, early)}/consents`, consentBody({ policyVersion: 'legacy' }))).status).toBe(201);
    expect((await ledger.post(`/v1/tenants/${tenant}/policies`, policyBody('v1'))).status).toBe(201);
    expect((await ledger.post(`${subjectPath(tenant, late)}/consents`, consentBody({ policyVersion: 'legacy' }))).body.code).toBe(
      'unknown-policy-version',
    );
    expect((await ledger.post(`${subjectPath(tenant, late)}/consents`, consentBody({ policyVersion: 'v1' }))).status).toBe(201);
    const notice = await ledger.post(`/v1/tenants/${tenant}/policies/v1/notices`, {
      channel: 'pop-up',
      audience: 'subject',
      subjectId: early,
    });
    expect(notice.status).toBe(201);
    expect(server.records.filter((r) => r.streamId.startsWith('policy')).map((r) => [r.streamId, r.type])).toEqual(
      expect.arrayContaining([
        [`policy-${tenant}`, 'policy-published'],
        [`policynotice-${tenant}/v1`, 'policy-notice-sent'],
      ]),
    );

    const at = lastPosition(notice);
    const reConsent = await ledger.get(`/v1/tenants/${tenant}/re-consent?atLeast=${at}`);
    expect(reConsent.body.subjects.map((s: { subjectId: string }) => s.subjectId)).toEqual([early]);
    const report = await ledger.get(`/v1/tenants/${tenant}/policies?atLeast=${at}`);
    expect(report.body.policies.map((p: { version: string; notices: unknown }) => [p.version, p.notices])).toEqual([
      ['v1', { primaryAdmin: [], subjects: { email: 0, 'pop-up': 1 } }],
    ]);
    expect((await ledger.auditEvents(`?tenantId=${tenant}`)).map((e) => e.type)).toEqual([
      'consent-given',
      'policy-published',
      'consent-given',
      'policy-notice-sent',
    ]);
  });
});
