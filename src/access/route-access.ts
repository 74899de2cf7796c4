import type { Role } from '../config/api-key-list.js';

/**
 * Where a route's tenant comes from, and so what the access guard checks:
 * - `path`: `:tenantId` in the path; the key must cover it.
 * - `query`: an optional `?tenantId=` filter over every tenant's data; a key limited to some
 *   tenants must name one it covers, a `*` key may leave it out.
 * - `audit-stream`: like `query`, but a limited key may leave it out: the stream is then cut
 *   down to the key's tenants (AuditEventsController).
 * - `event`: the tenant of the event named in the path; the handler checks it and answers 404
 *   for another tenant's event (TransparencyLog.inclusion), as for an unknown one.
 * - `none`: data of no tenant (tree heads, the public key, health).
 */
export type TenantSource = 'path' | 'query' | 'audit-stream' | 'event' | 'none';

export interface RouteAccess {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The Fastify route pattern, as `request.routeOptions.url` gives it. */
  readonly url: string;
  readonly roles: readonly Role[];
  readonly tenant: TenantSource;
}

/** Commands: the calling services report facts. */
const WRITERS: readonly Role[] = ['service', 'admin'];
/** What a calling service reads back about its own tenants' subjects and policies. */
const SERVICE_READS: readonly Role[] = ['service', 'auditor', 'admin'];
/** Evidence for a regulator: exports, the audit stream, proofs, certificates. */
const AUDIT_READS: readonly Role[] = ['auditor', 'admin'];
/** Deadlines and counts, without subject-level personal data: the ops monitors. */
const MONITORS: readonly Role[] = ['ops', 'auditor', 'admin'];
/** The state of the ledger itself. */
const OPERATIONS: readonly Role[] = ['ops', 'admin'];

const SUBJECT = '/v1/tenants/:tenantId/subjects/:subjectId';
const TENANT = '/v1/tenants/:tenantId';
const SUBSCRIPTION = `${TENANT}/subscriptions/:subscriptionId`;

/**
 * THE table of who may call what. A route that is not here (and not public) is refused to
 * every key, so a new route stays closed until it is added. docs/security.md shows it as a table.
 */
export const ROUTE_ACCESS: readonly RouteAccess[] = [
  // commands
  { method: 'POST', url: `${SUBJECT}/consents`, roles: WRITERS, tenant: 'path' },
  { method: 'POST', url: `${SUBJECT}/consents/withdrawals`, roles: WRITERS, tenant: 'path' },
  { method: 'POST', url: `${SUBJECT}/transfers`, roles: WRITERS, tenant: 'path' },
  { method: 'POST', url: `${SUBJECT}/deletion-requests`, roles: WRITERS, tenant: 'path' },
  { method: 'POST', url: `${SUBJECT}/deletion-completions`, roles: WRITERS, tenant: 'path' },
  { method: 'POST', url: `${SUBJECT}/grievances`, roles: WRITERS, tenant: 'path' },
  { method: 'POST', url: `${SUBJECT}/grievances/:grievanceId/resolution`, roles: WRITERS, tenant: 'path' },
  { method: 'POST', url: `${SUBJECT}/recipient-notifications`, roles: WRITERS, tenant: 'path' },
  { method: 'POST', url: `${TENANT}/policies`, roles: WRITERS, tenant: 'path' },
  { method: 'POST', url: `${TENANT}/policies/:version/notices`, roles: WRITERS, tenant: 'path' },
  // webhook subscriptions: a calling service manages its own tenants' subscriptions
  { method: 'POST', url: `${TENANT}/subscriptions`, roles: WRITERS, tenant: 'path' },
  { method: 'GET', url: `${TENANT}/subscriptions`, roles: WRITERS, tenant: 'path' },
  { method: 'GET', url: `${SUBSCRIPTION}`, roles: WRITERS, tenant: 'path' },
  { method: 'PATCH', url: `${SUBSCRIPTION}`, roles: WRITERS, tenant: 'path' },
  { method: 'DELETE', url: `${SUBSCRIPTION}`, roles: WRITERS, tenant: 'path' },
  { method: 'POST', url: `${SUBSCRIPTION}/secret-rotations`, roles: WRITERS, tenant: 'path' },
  { method: 'GET', url: `${SUBSCRIPTION}/deliveries`, roles: WRITERS, tenant: 'path' },
  { method: 'POST', url: `${SUBSCRIPTION}/deliveries/:deliveryId/redeliveries`, roles: WRITERS, tenant: 'path' },
  { method: 'POST', url: `${SUBSCRIPTION}/replays`, roles: WRITERS, tenant: 'path' },
  // reads of one tenant
  { method: 'GET', url: SUBJECT, roles: SERVICE_READS, tenant: 'path' },
  { method: 'GET', url: `${SUBJECT}/history`, roles: SERVICE_READS, tenant: 'path' },
  { method: 'GET', url: `${SUBJECT}/consents/:eventId/receipt`, roles: SERVICE_READS, tenant: 'path' },
  { method: 'GET', url: `${TENANT}/transfers`, roles: SERVICE_READS, tenant: 'path' },
  { method: 'GET', url: `${TENANT}/re-consent`, roles: SERVICE_READS, tenant: 'path' },
  { method: 'GET', url: `${TENANT}/policies`, roles: SERVICE_READS, tenant: 'path' },
  { method: 'GET', url: `${TENANT}/policies/:version/notices`, roles: SERVICE_READS, tenant: 'path' },
  { method: 'GET', url: `${TENANT}/processing-record`, roles: SERVICE_READS, tenant: 'path' },
  { method: 'GET', url: `${SUBJECT}/export`, roles: AUDIT_READS, tenant: 'path' },
  { method: 'GET', url: `${SUBJECT}/erasure-certificate`, roles: AUDIT_READS, tenant: 'path' },
  // the monitors, over every tenant unless filtered
  { method: 'GET', url: '/v1/deletions', roles: MONITORS, tenant: 'query' },
  { method: 'GET', url: '/v1/deletions/summary', roles: MONITORS, tenant: 'query' },
  { method: 'GET', url: '/v1/grievances', roles: MONITORS, tenant: 'query' },
  { method: 'GET', url: '/v1/grievances/summary', roles: MONITORS, tenant: 'query' },
  // the audit log and its proofs
  { method: 'GET', url: '/v1/audit/events', roles: AUDIT_READS, tenant: 'audit-stream' },
  { method: 'GET', url: '/v1/audit/events/:eventId/proof', roles: AUDIT_READS, tenant: 'event' },
  { method: 'GET', url: '/v1/audit/tree-head', roles: AUDIT_READS, tenant: 'none' },
  { method: 'GET', url: '/v1/audit/tree-heads', roles: AUDIT_READS, tenant: 'none' },
  { method: 'GET', url: '/v1/audit/consistency', roles: AUDIT_READS, tenant: 'none' },
  { method: 'GET', url: '/v1/audit/public-key', roles: AUDIT_READS, tenant: 'none' },
  // the ledger itself
  { method: 'GET', url: '/health', roles: OPERATIONS, tenant: 'none' },
  { method: 'GET', url: '/metrics', roles: OPERATIONS, tenant: 'none' },
];

/**
 * Routes open without a key: the probes, the API description and the ops page's own static
 * files. None of them holds ledger data; whatever the ops page shows, it reads through the
 * routes above, with a key.
 */
export const isPublicRoute = (url: string): boolean =>
  url === '/health/live' ||
  url === '/health/ready' ||
  url === '/openapi.json' ||
  url === '/docs' ||
  url.startsWith('/docs/') ||
  url === '/ops' ||
  url.startsWith('/ops/');

const byRoute = new Map(ROUTE_ACCESS.map((route) => [`${route.method} ${route.url}`, route]));

/** The table's entry for a request; HEAD is GET without a body (Fastify answers it from the GET route). */
export const routeAccess = (method: string, url: string): RouteAccess | undefined =>
  byRoute.get(`${method === 'HEAD' ? 'GET' : method} ${url}`);
