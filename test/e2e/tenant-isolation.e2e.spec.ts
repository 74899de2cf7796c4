import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import {
  e2eAdminKeyEntry,
  removeDataDir,
  startLedger,
  type HttpAnswer,
  type LedgerClient,
  type RunningLedger,
} from '../support/ledger-app.js';
import { caughtUp, eventIds } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';

/**
 * A key of tenant A reads nothing of tenant B, through any route: the same subject id lives in
 * both tenants, and B's events must never show up in what A's keys get.
 */
describe('tenant isolation', () => {
  const A = newTenant();
  const B = newTenant();
  const SUBJECT = newSubject();
  const KEYS = { adminOfA: 'iso-admin-a-0123456789abcdef', auditorOfA: 'iso-auditor-a-0123456789abcd' };
  let ledger: RunningLedger;
  let keysOfA: [string, LedgerClient][];
  const written = { [A]: [] as string[], [B]: [] as string[] };
  const consentOf: Record<string, string> = {};

  const created = async (tenant: string, answer: Promise<HttpAnswer>): Promise<HttpAnswer> => {
    const settled = await answer;
    expect(settled.status).toBe(201);
    written[tenant]!.push(...eventIds(settled));
    return settled;
  };

  beforeAll(async () => {
    ledger = await startLedger({
      env: {
        LEDGER_ERASURE_SYSTEMS: 'crm',
        LEDGER_API_KEYS: JSON.stringify([
          e2eAdminKeyEntry,
          // The strongest role, limited to A: what it cannot see, no key of A can.
          { name: 'admin-of-a', role: 'admin', tenants: [A], key: KEYS.adminOfA },
          { name: 'auditor-of-a', role: 'auditor', tenants: [A], key: KEYS.auditorOfA },
        ]),
      },
    });
    keysOfA = [
      ['admin of A', ledger.as(KEYS.adminOfA)],
      ['auditor of A', ledger.as(KEYS.auditorOfA)],
    ];
    for (const tenant of [A, B]) {
      const path = subjectPath(tenant, SUBJECT);
      const version = `${tenant}-v1`;
      await created(
        tenant,
        ledger.post(`/v1/tenants/${tenant}/policies`, {
          version,
          effectiveFrom: '2026-01-01T00:00:00Z',
          material: true,
          url: `https://example.com/${version}`,
          textSha256: createHash('sha256').update(version).digest('hex'),
        }),
      );
      consentOf[tenant] = eventIds(await created(tenant, ledger.post(`${path}/consents`, consentBody({ policyVersion: version }))))[0]!;
      await created(tenant, ledger.post(`${path}/transfers`, transferBody()));
      await created(
        tenant,
        ledger.post(`${path}/grievances`, {
          category: 'consent',
          channel: 'email',
          receivedAt: '2026-01-31T09:00:00Z',
          description: `about ${tenant}`,
        }),
      );
      const erased = subjectPath(tenant, `${SUBJECT}-erased`);
      await created(tenant, ledger.post(`${erased}/deletion-requests`, {}));
      await created(tenant, ledger.post(`${erased}/deletion-completions`, { system: 'crm' }));
      await created(tenant, ledger.post(`${subjectPath(tenant, `${SUBJECT}-open`)}/deletion-requests`, {}));
    }
    await caughtUp(ledger, 30_000);
  });
  afterAll(async () => {
    await ledger.close();
    removeDataDir(ledger.dataDir);
  });

  const eventsIn = (answer: HttpAnswer): string[] =>
    answer.text.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? [];

  it('refuses every route of tenant B, and B spelled in other cases, with 403', async () => {
    const routes = (tenant: string) => [
      subjectPath(tenant, SUBJECT),
      `${subjectPath(tenant, SUBJECT)}/history`,
      `${subjectPath(tenant, SUBJECT)}/export`,
      `${subjectPath(tenant, SUBJECT)}/consents/${consentOf[B]}/receipt`,
      `${subjectPath(tenant, `${SUBJECT}-erased`)}/erasure-certificate`,
      `/v1/tenants/${tenant}/transfers`,
      `/v1/tenants/${tenant}/re-consent`,
      `/v1/tenants/${tenant}/policies`,
      `/v1/tenants/${tenant}/policies/${B}-v1/notices`,
      `/v1/tenants/${tenant}/processing-record`,
    ];
    for (const [name, client] of keysOfA) {
      for (const path of [...routes(B), ...routes(B.toUpperCase()), ...routes(`${A}%2F..%2F${B}`)]) {
        const answer = await client.get(path);
        expect({ name, path, status: answer.status }).toEqual({ name, path, status: 403 });
        expect(eventsIn(answer).filter((id) => written[B]!.includes(id))).toEqual([]);
      }
    }
  });

  it('shows only A in what A reads about a subject id that B has too', async () => {
    for (const [, client] of keysOfA) {
      for (const path of ['', '/history', '/export']) {
        const answer = await client.get(`${subjectPath(A, SUBJECT)}${path}`);
        expect(answer.status).toBe(200);
        expect(eventsIn(answer).filter((id) => written[B]!.includes(id))).toEqual([]);
      }
      // B's consent event under A's path is unknown there.
      expect((await client.get(`${subjectPath(A, SUBJECT)}/consents/${consentOf[B]}/receipt`)).status).toBe(404);
      expect((await client.get(`${subjectPath(A, SUBJECT)}/consents/${consentOf[A]}/receipt`)).status).toBe(200);
    }
  });

  it('cuts the audit stream to A whatever tenantId says', async () => {
    for (const [name, client] of keysOfA) {
      const unfiltered = await client.auditEvents();
      expect(unfiltered.length).toBeGreaterThanOrEqual(written[A]!.length);
      expect({ name, tenants: [...new Set(unfiltered.map((e) => e.metadata.tenantId))] }).toEqual({ name, tenants: [A] });
      expect(unfiltered.map((e) => e.id)).toEqual(expect.arrayContaining(written[A]!));

      const paged = await client.auditEvents('?fromPosition=0&limit=1000000');
      expect(paged.map((e) => e.id)).toEqual(unfiltered.map((e) => e.id));
      expect((await client.auditEvents(`?tenantId=${A}`)).map((e) => e.id)).toEqual(unfiltered.map((e) => e.id));

      const other = await client.get(`/v1/audit/events?tenantId=${B}`);
      expect(other.status).toBe(403);
      expect(eventsIn(other).filter((id) => written[B]!.includes(id))).toEqual([]);
      const both = await client.get(`/v1/audit/events?tenantId=${A}&tenantId=${B}`);
      expect(both.status).toBe(400);
      expect(both.body.errors).toEqual([{ field: 'tenantId', message: expect.any(String) }]);
    }
    // The unrestricted admin sees both: the filter above is the key's doing.
    const all = await ledger.auditEvents();
    expect(all.map((e) => e.id)).toEqual(expect.arrayContaining([...written[A]!, ...written[B]!]));
  });

  it('gives no proof of B’s events: they are as unknown as a missing one', async () => {
    for (const [, client] of keysOfA) {
      const theirs = await client.get(`/v1/audit/events/${consentOf[B]}/proof`);
      expect(theirs.status).toBe(404);
      expect(theirs.body.code).toBe('not-found');
      expect((await client.get(`/v1/audit/events/${consentOf[A]}/proof`)).status).toBe(200);
    }
    expect((await ledger.get(`/v1/audit/events/${consentOf[B]}/proof`)).status).toBe(200);
  });

  it('shows A’s monitors only for A, and their summaries as the admin sees them for A', async () => {
    for (const [, client] of keysOfA) {
      for (const monitor of ['deletions', 'grievances']) {
        expect((await client.get(`/v1/${monitor}?tenantId=${B}`)).status).toBe(403);
        expect((await client.get(`/v1/${monitor}/summary?tenantId=${B}`)).status).toBe(403);
        expect((await client.get(`/v1/${monitor}`)).status).toBe(403);
        const mine = await client.get(`/v1/${monitor}?tenantId=${A}`);
        expect(mine.status).toBe(200);
        const items = mine.body[monitor] as { tenantId: string }[];
        expect(items.length).toBeGreaterThan(0);
        expect(items.every((item) => item.tenantId === A)).toBe(true);
        const summary = await client.get(`/v1/${monitor}/summary?tenantId=${A}`);
        expect(summary.status).toBe(200);
        expect(summary.body).toEqual((await ledger.get(`/v1/${monitor}/summary?tenantId=${A}`)).body);
      }
    }
  });

  it('writes nothing to B for a key of A', async () => {
    const before = (await ledger.auditEvents(`?tenantId=${B}`)).length;
    const admin = ledger.as(KEYS.adminOfA);
    const path = subjectPath(B, SUBJECT);
    for (const [route, body] of [
      ['/consents', consentBody({ policyVersion: `${B}-v1` })],
      ['/consents/withdrawals', {}],
      ['/transfers', transferBody()],
      ['/deletion-requests', {}],
      ['/grievances', { category: 'consent', channel: 'email', receivedAt: '2026-01-31T09:00:00Z', description: 'x' }],
    ] as const) {
      expect((await admin.post(`${path}${route}`, body)).status).toBe(403);
    }
    expect((await admin.post(`/v1/tenants/${B}/policies`, {})).status).toBe(403);
    expect((await ledger.auditEvents(`?tenantId=${B}`)).length).toBe(before);
  });
});
