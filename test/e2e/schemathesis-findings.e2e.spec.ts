import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { removeDataDir, startLedger, type RunningLedger } from '../support/ledger-app.js';
import { caughtUp, lastPosition } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath } from '../support/requests.js';

/**
 * Regressions for the bugs found by the API conformance work, each through the real app:
 * by Schemathesis (.ci/schemathesis), or while describing the answers it checks.
 *
 * 1. (Schemathesis, not_a_server_error) `?atLeast=` beyond the log's head: every read waited
 *    2 s and answered 503 read-model-lagging ("retry shortly"), although no command ever
 *    answered that position and no retry could succeed until unrelated writes caught up. It
 *    is bad input: after the same wait (a write may still land meanwhile), 400 naming `atLeast`.
 * 2. (describing answers as `date-time`) Instants outside years 0000-9999 in UTC:
 *    `9999-12-31T23:00:00-05:00` is a valid date-time but year 10000 in UTC, which the ledger
 *    wrote as "+010000-01-01T04:00:00.000Z" (a policy's
 *    `effectiveFrom`, the status's echoed `asOf`): not a date-time, breaking the answer's
 *    schema, and sorting before "2026-...". Refused with 400 naming the field. And a real
 *    date in years 0000-0099 was refused as not real (Date.UTC reads them as 19xx).
 * 3. (Schemathesis, status_code_conformance) A path parameter over 300 characters was refused
 *    by Fastify's router with 414 and Fastify's own JSON, never reaching validation; a path
 *    that is not valid percent-encoding got the same treatment (400, not a problem). Both are
 *    problems now, and a long id reaches validation, which names it.
 */
describe('what the API conformance checks found', () => {
  let ledger: RunningLedger;
  let head: number;
  const tenant = newTenant();
  const subject = newSubject();

  beforeAll(async () => {
    ledger = await startLedger({ env: { LEDGER_READ_YOUR_WRITES_TIMEOUT_MS: '2000' } });
    head = lastPosition(await ledger.post(`${subjectPath(tenant, subject)}/consents`, consentBody()));
    await caughtUp(ledger);
  });
  afterAll(async () => {
    await ledger.close();
    removeDataDir(ledger.dataDir);
  });

  /** Every read that takes `atLeast`, from the description itself, with its path filled in. */
  const freshnessReads = async (): Promise<string[]> => {
    const document = (await ledger.get('/openapi.json')).body as {
      paths: Record<string, { get?: { parameters?: { name: string; in: string; required?: boolean }[] } }>;
    };
    const values: Record<string, string> = {
      tenantId: tenant,
      subjectId: subject,
      version: 'v1',
      eventId: '00000000-0000-7000-8000-000000000000',
    };
    return Object.entries(document.paths)
      .filter(([, item]) => item.get?.parameters?.some((p) => p.in === 'query' && p.name === 'atLeast'))
      .map(([path, item]) => {
        // Required query parameters get a valid value (the consistency proof's tree sizes).
        const required = (item.get?.parameters ?? []).filter((p) => p.in === 'query' && p.required).map((p) => `${p.name}=0&`);
        return `${path.replace(/\{([^}]+)\}/g, (_, name: string) => values[name] ?? name)}?${required.join('')}`;
      });
  };

  describe('atLeast beyond the head of the log', () => {
    it('is refused by every read that takes it, after the wait, with 400 naming atLeast', async () => {
      const reads = await freshnessReads();
      expect(reads.length).toBeGreaterThanOrEqual(14);
      // Each waits its 2 s for a write that could still land: all at once.
      const answers = await Promise.all(reads.map(async (read) => ({ read, answer: await ledger.get(`${read}atLeast=${head + 1}`) })));
      for (const { read, answer } of answers) {
        expect({
          read,
          status: answer.status,
          code: answer.body?.code,
          fields: answer.body?.errors?.map((e: { field: string }) => e.field),
        }).toEqual({
          read,
          status: 400,
          code: 'validation-failed',
          fields: ['atLeast'],
        });
        expect(answer.headers.get('content-type')).toContain('application/problem+json');
      }
    });

    it('is still a wait for the read models, not an error, at the head itself', async () => {
      for (const read of await freshnessReads()) {
        const answer = await ledger.get(`${read}atLeast=${head}`);
        expect({ read, status: answer.status }).not.toEqual({ read, status: 400 });
        expect({ read, status: answer.status }).not.toEqual({ read, status: 503 });
      }
    });

    it('writes nothing when refused', async () => {
      const before = (await ledger.auditEvents()).length;
      await ledger.get(`${subjectPath(tenant, subject)}?atLeast=${head + 1}`);
      expect((await ledger.auditEvents()).length).toBe(before);
    });
  });

  describe('instants the ledger cannot write in UTC', () => {
    const yearTenThousand = '9999-12-31T23:00:00-05:00';

    it('refuses a policy effective in year 10000 UTC, naming effectiveFrom, and writes nothing', async () => {
      const before = (await ledger.auditEvents()).length;
      const answer = await ledger.post(`/v1/tenants/${tenant}/policies`, {
        version: 'far-future',
        effectiveFrom: yearTenThousand,
        material: true,
        url: 'https://example.com/privacy',
        textSha256: 'b'.repeat(64),
      });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: 'validation-failed', errors: [{ field: 'effectiveFrom' }] });
      expect((await ledger.auditEvents()).length).toBe(before);
    });

    it('refuses a status asOf year 10000 UTC, naming asOf', async () => {
      const answer = await ledger.get(`${subjectPath(tenant, subject)}?asOf=${encodeURIComponent(yearTenThousand)}`);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: 'validation-failed', errors: [{ field: 'asOf' }] });
    });

    it('still takes the last instant of year 9999 and answers it as a date-time', async () => {
      const answer = await ledger.get(`${subjectPath(tenant, subject)}?asOf=${encodeURIComponent('9999-12-31T18:59:59-05:00')}`);
      expect(answer.status).toBe(200);
      expect(answer.body.asOf).toBe('9999-12-31T23:59:59.000Z');
    });

    it('takes a real date of years 0000-0099 as that date', async () => {
      const other = newSubject();
      const answer = await ledger.post(`${subjectPath(tenant, other)}/deletion-requests`, { occurredAt: '0050-06-01T00:00:00Z' });
      expect(answer.status).toBe(201);
      const [event] = await ledger.auditEvents(`?fromPosition=${lastPosition(answer)}`);
      expect(event.occurredAt).toBe('0050-06-01T00:00:00.000Z');
    });
  });

  describe('paths the router refuses', () => {
    it('answers a tenant id of 400 characters with 400 naming tenantId', async () => {
      const answer = await ledger.get(subjectPath('t'.repeat(400), subject));
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ code: 'validation-failed', errors: [{ field: 'tenantId' }] });
    });

    it('answers a subject id of 3000 characters on a command with 400 naming subjectId, writing nothing', async () => {
      const before = (await ledger.auditEvents()).length;
      const answer = await ledger.post(`${subjectPath(tenant, 's'.repeat(3000))}/deletion-requests`, {});
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: 'validation-failed', errors: [{ field: 'subjectId' }] });
      expect((await ledger.auditEvents()).length).toBe(before);
    });

    it('answers a path that is not valid percent-encoding with a problem naming the path', async () => {
      const answer = await ledger.get(`/v1/tenants/%zz/subjects/${subject}`);
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body).toMatchObject({
        type: 'urn:privacy-ledger:problem:validation-failed',
        status: 400,
        code: 'validation-failed',
        errors: [{ field: 'path' }],
      });
    });
  });
});
