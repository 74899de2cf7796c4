import { TENANT_ID_PATTERN } from '../domain/catalogue.js';
import { LedgerError, validationFailed } from '../domain/ledger-error.js';
import { covers } from './api-keys.js';
import type { Principal } from '../config/api-key-list.js';
import { isPublicRoute, routeAccess, type RouteAccess } from './route-access.js';

/** What the guard knows of a request once Fastify has routed it. */
export interface RoutedRequest {
  readonly method: string;
  /** The route pattern (`request.routeOptions.url`); undefined when no route matched. */
  readonly route: string | undefined;
  readonly params: unknown;
  readonly query: unknown;
}

export type AccessDecision =
  | { readonly allowed: true; readonly route: RouteAccess | 'public' }
  | { readonly allowed: false; readonly error: LedgerError; readonly reason: string };

/**
 * Who may do what, decided in one place and in this order: public routes pass; no key or an
 * unknown key is 401; a route missing from the table, a role the route does not allow, or a
 * tenant the key does not cover is 403 (a malformed `tenantId` filter that decides it, 400).
 * Pure, so that each rule is tested without HTTP.
 */
export const decideAccess = (request: RoutedRequest, principal: Principal | null): AccessDecision => {
  if (request.route !== undefined && isPublicRoute(request.route)) return { allowed: true, route: 'public' };
  if (principal === null) {
    return refuse(
      new LedgerError('unauthorized', 'This route needs an API key: send "Authorization: Bearer <key>" with a key the ledger knows.'),
      'no known API key',
    );
  }
  const route = request.route === undefined ? undefined : routeAccess(request.method, request.route);
  if (route === undefined) {
    return refuse(forbidden(`No API key may call ${request.method} ${request.route ?? 'this route'}.`), 'route not in the access table');
  }
  if (!route.roles.includes(principal.role)) {
    return refuse(forbidden(`The ${principal.role} role may not call this route.`), `role ${principal.role} not allowed`);
  }
  return tenantDecision(route, request, principal);
};

const tenantDecision = (route: RouteAccess, request: RoutedRequest, principal: Principal): AccessDecision => {
  const allowed: AccessDecision = { allowed: true, route };
  switch (route.tenant) {
    case 'none':
    case 'event':
      return allowed;
    case 'path': {
      const tenantId = field(request.params, 'tenantId');
      return typeof tenantId === 'string' && covers(principal.tenants, tenantId)
        ? allowed
        : refuse(forbidden('This API key does not cover this tenant.'), 'tenant not covered');
    }
    case 'query':
    case 'audit-stream': {
      if (principal.tenants === '*') return allowed;
      const tenantId = field(request.query, 'tenantId');
      if (tenantId === undefined) {
        if (route.tenant === 'audit-stream') return allowed;
        return refuse(
          forbidden(`This API key covers only some tenants: name one of them as ?tenantId= (${principal.tenants.join(', ')}).`),
          'tenantId missing for a tenant-limited key',
        );
      }
      // The guard runs before validation, so it meets the raw value first (an array for a
      // repeated parameter): bad input is a 400 naming the field, as everywhere else.
      if (typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId)) {
        return refuse(
          validationFailed([{ field: 'tenantId', message: 'tenantId must be 1-64 letters, digits, "_", "." or "-"' }]),
          'malformed tenantId',
        );
      }
      return covers(principal.tenants, tenantId)
        ? allowed
        : refuse(forbidden('This API key does not cover this tenant.'), 'tenant not covered');
    }
    default: {
      const unexpected: never = route.tenant;
      throw new Error(`unknown tenant source ${String(unexpected)}`);
    }
  }
};

const field = (value: unknown, name: string): unknown =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;

const forbidden = (detail: string): LedgerError => new LedgerError('forbidden', detail);

const refuse = (error: LedgerError, reason: string): AccessDecision => ({ allowed: false, error, reason });
