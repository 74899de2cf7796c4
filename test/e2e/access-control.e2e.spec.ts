import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { createLedgerApp } from '../../src/app.factory.js';
import { parseConfig } from '../../src/config/ledger-config.js';
import {
  E2E_ADMIN_KEY,
  e2eAdminKeyEntry,
  mongoFor,
  newDataDir,
  removeDataDir,
  startLedger,
  type HttpAnswer,
  type LedgerClient,
  type RunningLedger,
} from '../support/ledger-app.js';
import { TEST_PROJECTOR_WORKER } from '../support/projector-worker.js';
import { caughtUp, eventIds } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';

/**
 * Every route of the app against every kind of caller, through the real HTTP app. The
 * expected answers are written out here as data, independently of src/access/route-access.ts:
 * if the product's table drifts, this one says so.
 */

const PRINCIPALS = ['service', 'auditor', 'ops', 'admin', 'otherTenant', 'noKey', 'wrongKey'] as const;
type PrincipalName = (typeof PRINCIPALS)[number];

const KEYS = {
  service: 'ac-service-0123456789abcdef',
  auditor: 'ac-auditor-0123456789abcdef',
  ops: 'ac-ops-0123456789abcdef',
  otherTenant: 'ac-other-tenant-0123456789',
};
const WRONG_KEY = 'ac-service-0123456789abcdeF';

/** The key each caller sends (none for noKey), for the methods the shared client does not have. */
const KEY_OF: Record<string, string | null> = {};

/** PATCH or DELETE as one caller. */
const send = async (url: string, key: string | null, method: string, path: string, body?: unknown): Promise<HttpAnswer> => {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...(key !== null && { authorization: `Bearer ${key}` }), ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text), text };
};

const TENANT = newTenant();
const OTHER = newTenant();

const keyConfig = JSON.stringify([
  e2eAdminKeyEntry,
  { name: 'signup-service', role: 'service', tenants: [TENANT], key: KEYS.service },
  { name: 'regulator-desk', role: 'auditor', tenants: [TENANT], key: KEYS.auditor },
  { name: 'oncall', role: 'ops', tenants: ['*'], key: KEYS.ops },
  // The strongest role, limited to another tenant: every refusal it gets is the tenant's doing.
  { name: 'other-tenant-admin', role: 'admin', tenants: [OTHER], key: KEYS.otherTenant },
]);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const policyBody = (version: string) => ({
  version,
  effectiveFrom: '2026-01-01T00:00:00Z',
  material: true,
  url: `https://example.com/privacy/${version}`,
  textSha256: sha256(`privacy policy ${version}`),
});

/** What the routes read: made once, by the admin key. */
interface Fixture {
  subject: string;
  consentEventId: string;
  erased: string;
  policyVersion: string;
}

interface Row {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The Fastify route pattern: checked against the routes the app really has. */
  readonly route: string;
  /** What differs from the route's first row (a query) is said here. */
  readonly variant?: string;
  /** Builds the request; a command row prepares fresh state for each caller first (as admin). */
  readonly request: (fixture: Fixture, admin: LedgerClient) => Promise<{ path: string; body?: unknown }>;
  /** service, auditor, ops, admin, a key of another tenant, no key, a wrong key. */
  readonly expected: string;
  /** A route another part of the app may add (metrics): checked when the app has it. */
  readonly ifPresent?: true;
}

/** Routes that need no key (probes, the API description, the ops page's static files). */
const isPublic = (route: string): boolean =>
  ['/health/live', '/health/ready', '/openapi.json', '/docs', '/ops'].includes(route) ||
  route.startsWith('/docs/') ||
  route.startsWith('/ops/');

const S = '/v1/tenants/:tenantId/subjects/:subjectId';
const T = '/v1/tenants/:tenantId';
const fresh = () => subjectPath(TENANT, newSubject());
const created = async (answer: Promise<HttpAnswer>): Promise<HttpAnswer> => {
  const settled = await answer;
  if (settled.status !== 201) throw new Error(`preparing a row failed: ${settled.status} ${settled.text}`);
  return settled;
};
const get = (path: string) => async () => ({ path });

/** A subscription made by the admin key, to a public address given as a literal IP (no DNS needed). */
const SUBSCRIPTIONS = `${T}/subscriptions`;
const subscription = async (admin: LedgerClient): Promise<string> =>
  (
    await created(
      admin.post(`/v1/tenants/${TENANT}/subscriptions`, {
        url: 'https://93.184.216.34/hooks',
        eventTypes: ['consent-given'],
        description: 'access control',
      }),
    )
  ).body.subscriptionId as string;
const subscriptionPath = async (admin: LedgerClient): Promise<string> => `/v1/tenants/${TENANT}/subscriptions/${await subscription(admin)}`;

/**
 *                                                               service auditor ops admin other none wrong
 */
const ROWS: readonly Row[] = [
  // commands
  {
    method: 'POST',
    route: `${S}/consents`,
    request: async () => ({ path: `${fresh()}/consents`, body: consentBody() }),
    expected: '201 403 403 201 403 401 401',
  },
  {
    method: 'POST',
    route: `${S}/consents/withdrawals`,
    request: async (_f, admin) => {
      const path = fresh();
      await created(admin.post(`${path}/consents`, consentBody()));
      return { path: `${path}/consents/withdrawals`, body: { purposes: ['usage-analytics'], channel: 'web' } };
    },
    expected: '201 403 403 201 403 401 401',
  },
  {
    method: 'POST',
    route: `${S}/transfers`,
    request: async (_f, admin) => {
      const path = fresh();
      await created(admin.post(`${path}/consents`, consentBody()));
      return { path: `${path}/transfers`, body: transferBody() };
    },
    expected: '201 403 403 201 403 401 401',
  },
  {
    method: 'POST',
    route: `${S}/deletion-requests`,
    request: async () => ({ path: `${fresh()}/deletion-requests`, body: {} }),
    expected: '201 403 403 201 403 401 401',
  },
  {
    method: 'POST',
    route: `${S}/deletion-completions`,
    request: async (_f, admin) => {
      const path = fresh();
      await created(admin.post(`${path}/deletion-requests`, {}));
      return { path: `${path}/deletion-completions`, body: { system: 'crm' } };
    },
    expected: '201 403 403 201 403 401 401',
  },
  {
    method: 'POST',
    route: `${S}/grievances`,
    request: async () => ({
      path: `${fresh()}/grievances`,
      body: { category: 'consent', channel: 'email', receivedAt: '2026-01-31T09:00:00Z', description: 'Still getting offers.' },
    }),
    expected: '201 403 403 201 403 401 401',
  },
  {
    method: 'POST',
    route: `${S}/grievances/:grievanceId/resolution`,
    request: async (_f, admin) => {
      const path = fresh();
      const lodged = await created(
        admin.post(`${path}/grievances`, { category: 'consent', channel: 'email', receivedAt: '2026-01-31T09:00:00Z', description: 'x' }),
      );
      return {
        path: `${path}/grievances/${lodged.body.grievanceId}/resolution`,
        body: { outcome: 'upheld', resolvedAt: '2026-02-10T09:00:00Z' },
      };
    },
    expected: '201 403 403 201 403 401 401',
  },
  {
    method: 'POST',
    route: `${S}/recipient-notifications`,
    request: async (_f, admin) => {
      const path = fresh();
      await created(admin.post(`${path}/transfers`, transferBody({ legalBasis: 'contract' })));
      await created(admin.post(`${path}/deletion-requests`, {}));
      return { path: `${path}/recipient-notifications`, body: { recipientId: 'aws-sg', channel: 'email' } };
    },
    expected: '201 403 403 201 403 401 401',
  },
  {
    method: 'POST',
    route: `${T}/policies`,
    request: async () => ({ path: `/v1/tenants/${TENANT}/policies`, body: policyBody(`v-${newSubject().slice(2, 10)}`) }),
    expected: '201 403 403 201 403 401 401',
  },
  {
    method: 'POST',
    route: `${T}/policies/:version/notices`,
    request: async (_f, admin) => {
      const version = `v-${newSubject().slice(2, 10)}`;
      await created(admin.post(`/v1/tenants/${TENANT}/policies`, policyBody(version)));
      return { path: `/v1/tenants/${TENANT}/policies/${version}/notices`, body: { channel: 'email', audience: 'primary-admin' } };
    },
    expected: '201 403 403 201 403 401 401',
  },
  // webhook subscriptions: a service manages its own tenants'
  {
    method: 'POST',
    route: SUBSCRIPTIONS,
    request: async () => ({
      path: `/v1/tenants/${TENANT}/subscriptions`,
      body: { url: 'https://93.184.216.34/hooks', eventTypes: ['consent-given'], description: 'x' },
    }),
    expected: '201 403 403 201 403 401 401',
  },
  { method: 'GET', route: SUBSCRIPTIONS, request: get(`/v1/tenants/${TENANT}/subscriptions`), expected: '200 403 403 200 403 401 401' },
  {
    method: 'GET',
    route: `${SUBSCRIPTIONS}/:subscriptionId`,
    request: async (_f, admin) => ({ path: await subscriptionPath(admin) }),
    expected: '200 403 403 200 403 401 401',
  },
  {
    method: 'PATCH',
    route: `${SUBSCRIPTIONS}/:subscriptionId`,
    request: async (_f, admin) => ({ path: await subscriptionPath(admin), body: { paused: true } }),
    expected: '201 403 403 201 403 401 401',
  },
  {
    method: 'DELETE',
    route: `${SUBSCRIPTIONS}/:subscriptionId`,
    request: async (_f, admin) => ({ path: await subscriptionPath(admin) }),
    expected: '201 403 403 201 403 401 401',
  },
  {
    method: 'POST',
    route: `${SUBSCRIPTIONS}/:subscriptionId/secret-rotations`,
    request: async (_f, admin) => ({ path: `${await subscriptionPath(admin)}/secret-rotations`, body: {} }),
    expected: '201 403 403 201 403 401 401',
  },
  {
    method: 'GET',
    route: `${SUBSCRIPTIONS}/:subscriptionId/deliveries`,
    request: async (_f, admin) => ({ path: `${await subscriptionPath(admin)}/deliveries` }),
    expected: '200 403 403 200 403 401 401',
  },
  {
    method: 'POST',
    route: `${SUBSCRIPTIONS}/:subscriptionId/deliveries/:deliveryId/redeliveries`,
    request: async (_f, admin) => {
      const path = await subscriptionPath(admin);
      await created(admin.post(`${fresh()}/consents`, consentBody()));
      // The delivery worker stores the delivery of that consent (it cannot reach the address).
      for (const deadline = Date.now() + 15_000; ; await new Promise((resolve) => setTimeout(resolve, 100))) {
        const [delivery] = (await admin.get(`${path}/deliveries`)).body.deliveries as { deliveryId: string }[];
        if (delivery) return { path: `${path}/deliveries/${delivery.deliveryId}/redeliveries` };
        if (Date.now() > deadline) throw new Error('no delivery was stored for the subscription');
      }
    },
    expected: '202 403 403 202 403 401 401',
  },
  {
    method: 'POST',
    route: `${SUBSCRIPTIONS}/:subscriptionId/replays`,
    request: async (_f, admin) => ({ path: `${await subscriptionPath(admin)}/replays`, body: { fromPosition: 1 } }),
    expected: '202 403 403 202 403 401 401',
  },
  // reads of one tenant
  { method: 'GET', route: S, request: async (f) => ({ path: subjectPath(TENANT, f.subject) }), expected: '200 200 403 200 403 401 401' },
  {
    method: 'GET',
    route: `${S}/history`,
    request: async (f) => ({ path: `${subjectPath(TENANT, f.subject)}/history` }),
    expected: '200 200 403 200 403 401 401',
  },
  {
    method: 'GET',
    route: `${S}/consents/:eventId/receipt`,
    request: async (f) => ({ path: `${subjectPath(TENANT, f.subject)}/consents/${f.consentEventId}/receipt` }),
    expected: '200 200 403 200 403 401 401',
  },
  { method: 'GET', route: `${T}/transfers`, request: get(`/v1/tenants/${TENANT}/transfers`), expected: '200 200 403 200 403 401 401' },
  { method: 'GET', route: `${T}/re-consent`, request: get(`/v1/tenants/${TENANT}/re-consent`), expected: '200 200 403 200 403 401 401' },
  { method: 'GET', route: `${T}/policies`, request: get(`/v1/tenants/${TENANT}/policies`), expected: '200 200 403 200 403 401 401' },
  {
    method: 'GET',
    route: `${T}/policies/:version/notices`,
    request: async (f) => ({ path: `/v1/tenants/${TENANT}/policies/${f.policyVersion}/notices` }),
    expected: '200 200 403 200 403 401 401',
  },
  {
    method: 'GET',
    route: `${T}/processing-record`,
    request: get(`/v1/tenants/${TENANT}/processing-record`),
    expected: '200 200 403 200 403 401 401',
  },
  {
    method: 'GET',
    route: `${S}/export`,
    request: async (f) => ({ path: `${subjectPath(TENANT, f.subject)}/export` }),
    expected: '403 200 403 200 403 401 401',
  },
  {
    method: 'GET',
    route: `${S}/erasure-certificate`,
    request: async (f) => ({ path: `${subjectPath(TENANT, f.erased)}/erasure-certificate` }),
    expected: '403 200 403 200 403 401 401',
  },
  // the monitors: a key of some tenants must name one; a * key may not
  {
    method: 'GET',
    route: '/v1/deletions',
    variant: '?tenantId=',
    request: get(`/v1/deletions?tenantId=${TENANT}`),
    expected: '403 200 200 200 403 401 401',
  },
  { method: 'GET', route: '/v1/deletions', variant: 'all tenants', request: get('/v1/deletions'), expected: '403 403 200 200 403 401 401' },
  {
    method: 'GET',
    route: '/v1/deletions/summary',
    variant: '?tenantId=',
    request: get(`/v1/deletions/summary?tenantId=${TENANT}`),
    expected: '403 200 200 200 403 401 401',
  },
  {
    method: 'GET',
    route: '/v1/deletions/summary',
    variant: 'all tenants',
    request: get('/v1/deletions/summary'),
    expected: '403 403 200 200 403 401 401',
  },
  {
    method: 'GET',
    route: '/v1/grievances',
    variant: '?tenantId=',
    request: get(`/v1/grievances?tenantId=${TENANT}`),
    expected: '403 200 200 200 403 401 401',
  },
  {
    method: 'GET',
    route: '/v1/grievances',
    variant: 'all tenants',
    request: get('/v1/grievances'),
    expected: '403 403 200 200 403 401 401',
  },
  {
    method: 'GET',
    route: '/v1/grievances/summary',
    variant: '?tenantId=',
    request: get(`/v1/grievances/summary?tenantId=${TENANT}`),
    expected: '403 200 200 200 403 401 401',
  },
  {
    method: 'GET',
    route: '/v1/grievances/summary',
    variant: 'all tenants',
    request: get('/v1/grievances/summary'),
    expected: '403 403 200 200 403 401 401',
  },
  {
    method: 'GET',
    route: '/v1/grievances/summary',
    variant: 'the other tenant',
    request: get(`/v1/grievances/summary?tenantId=${OTHER}`),
    expected: '403 403 200 200 200 401 401',
  },
  // the audit log and its proofs
  {
    method: 'GET',
    route: '/v1/audit/events',
    variant: '?tenantId=',
    request: get(`/v1/audit/events?tenantId=${TENANT}`),
    expected: '403 200 403 200 403 401 401',
  },
  // A limited key may leave tenantId out: its stream is then cut to its tenants (tested below).
  {
    method: 'GET',
    route: '/v1/audit/events',
    variant: 'no tenantId',
    request: get('/v1/audit/events'),
    expected: '403 200 403 200 200 401 401',
  },
  // Another tenant's event is as unknown as a missing one: 404, not a 403 that would confirm it exists.
  {
    method: 'GET',
    route: '/v1/audit/events/:eventId/proof',
    request: async (f) => ({ path: `/v1/audit/events/${f.consentEventId}/proof` }),
    expected: '403 200 403 200 404 401 401',
  },
  { method: 'GET', route: '/v1/audit/tree-head', request: get('/v1/audit/tree-head'), expected: '403 200 403 200 200 401 401' },
  { method: 'GET', route: '/v1/audit/tree-heads', request: get('/v1/audit/tree-heads'), expected: '403 200 403 200 200 401 401' },
  {
    method: 'GET',
    route: '/v1/audit/consistency',
    request: get('/v1/audit/consistency?from=1&to=2'),
    expected: '403 200 403 200 200 401 401',
  },
  { method: 'GET', route: '/v1/audit/public-key', request: get('/v1/audit/public-key'), expected: '403 200 403 200 200 401 401' },
  // the ledger itself
  { method: 'GET', route: '/health', request: get('/health'), expected: '403 403 200 200 200 401 401' },
  { method: 'GET', route: '/metrics', request: get('/metrics'), expected: '403 403 200 200 200 401 401', ifPresent: true },
];

/** Every GET and POST route the app registers, as `METHOD /pattern`, seen by an onRoute hook. */
const routesOfTheApp = async (): Promise<Set<string>> => {
  const dataDir = newDataDir();
  const app = await createLedgerApp({
    projectorWorker: TEST_PROJECTOR_WORKER,
    config: parseConfig({ ...mongoFor(dataDir), LEDGER_DATA_DIR: dataDir, LEDGER_API_KEYS: keyConfig, PORT: '0', HOST: '127.0.0.1' }),
    logger: false,
  });
  const routes = new Set<string>();
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) {
        if (['GET', 'POST', 'PATCH', 'DELETE'].includes(method)) routes.add(`${method} ${route.url}`);
      }
    });
  try {
    await app.init();
  } finally {
    await app.close();
    removeDataDir(dataDir);
  }
  return routes;
};

describe('access control: every route, every kind of caller', () => {
  let ledger: RunningLedger;
  let fixture: Fixture;
  let routes: Set<string>;
  const clients = {} as Record<PrincipalName, LedgerClient>;

  beforeAll(async () => {
    routes = await routesOfTheApp();
    ledger = await startLedger({ env: { LEDGER_API_KEYS: keyConfig, LEDGER_ERASURE_SYSTEMS: 'crm,backups' } });
    Object.assign(KEY_OF, { ...KEYS, admin: E2E_ADMIN_KEY, noKey: null, wrongKey: WRONG_KEY });
    for (const name of PRINCIPALS) {
      clients[name] =
        name === 'admin' ? ledger : name === 'noKey' ? ledger.as(null) : name === 'wrongKey' ? ledger.as(WRONG_KEY) : ledger.as(KEYS[name]);
    }
    const subject = newSubject();
    const path = subjectPath(TENANT, subject);
    const consent = await created(ledger.post(`${path}/consents`, consentBody()));
    await created(ledger.post(`${path}/transfers`, transferBody()));
    await created(
      ledger.post(`${path}/grievances`, { category: 'consent', channel: 'email', receivedAt: '2026-01-31T09:00:00Z', description: 'x' }),
    );
    const erased = newSubject();
    await created(ledger.post(`${subjectPath(TENANT, erased)}/deletion-requests`, {}));
    await created(ledger.post(`${subjectPath(TENANT, erased)}/deletion-completions`, { system: 'crm' }));
    await created(ledger.post(`${subjectPath(TENANT, erased)}/deletion-completions`, { system: 'backups' }));
    await created(ledger.post(`/v1/tenants/${TENANT}/policies`, policyBody('2024-06')));
    await created(ledger.post(`${subjectPath(OTHER, newSubject())}/consents`, consentBody()));
    fixture = { subject, consentEventId: eventIds(consent)[0]!, erased, policyVersion: '2024-06' };
    await caughtUp(ledger, 30_000);
  });
  afterAll(async () => {
    await ledger.close();
    removeDataDir(ledger.dataDir);
  });

  const lastPosition = async (): Promise<number> => (await ledger.get('/health')).body.eventStore.lastPosition;

  it.each(ROWS.map((row) => [`${row.method} ${row.route}${row.variant ? ` (${row.variant})` : ''}`, row] as const))(
    '%s',
    async (_name, row) => {
      // A route another part of the app adds is checked once it is there (the test above lists what is).
      if (row.ifPresent && !routes.has(`${row.method} ${row.route}`)) return;
      const seen: Record<string, number> = {};
      const expected: Record<string, number> = {};
      const wroteWhenRefused: string[] = [];
      for (const [index, name] of PRINCIPALS.entries()) {
        expected[name] = Number(row.expected.split(' ')[index]);
        const { path, body } = await row.request(fixture, ledger);
        const before = await lastPosition();
        const answer =
          row.method === 'GET'
            ? await clients[name].get(path)
            : row.method === 'POST'
              ? await clients[name].post(path, body)
              : await send(ledger.url, KEY_OF[name] ?? null, row.method, path, body);
        seen[name] = answer.status;
        if (answer.status === 401 || answer.status === 403) {
          expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
          expect(answer.body.code).toBe(answer.status === 401 ? 'unauthorized' : 'forbidden');
          if ((await lastPosition()) !== before) wroteWhenRefused.push(name);
        }
      }
      expect(seen).toEqual(expected);
      expect(wroteWhenRefused).toEqual([]);
    },
  );

  it('covers every route the app has, and the app has every route of this table', () => {
    const listed = new Set(ROWS.map((row) => `${row.method} ${row.route}`));
    const unlisted = [...routes].filter((route) => !listed.has(route) && !isPublic(route.split(' ')[1]!));
    const missing = ROWS.filter((row) => !row.ifPresent && !routes.has(`${row.method} ${row.route}`)).map(
      (row) => `${row.method} ${row.route}`,
    );
    expect({ unlisted, missing }).toEqual({ unlisted: [], missing: [] });
  });

  it('answers the public routes the app has without a key', async () => {
    for (const route of [...routes].filter((r) => r.startsWith('GET ') && isPublic(r.slice(4)))) {
      const answer = await ledger.as(null).get(route.slice(4));
      expect({ route, refused: [401, 403].includes(answer.status) }).toEqual({ route, refused: false });
    }
  });
});
