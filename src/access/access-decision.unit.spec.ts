import { describe, expect, it } from '@jest/globals';
import { decideAccess, type RoutedRequest } from './access-decision.js';
import type { Principal } from '../config/api-key-list.js';
import { ROUTE_ACCESS } from './route-access.js';

const service: Principal = { name: 'signup', role: 'service', tenants: ['acme'] };
const auditor: Principal = { name: 'regulator-desk', role: 'auditor', tenants: ['acme', 'globex'] };
const ops: Principal = { name: 'oncall', role: 'ops', tenants: ['acme'] };
const admin: Principal = { name: 'root', role: 'admin', tenants: '*' };

const get = (route: string | undefined, params: unknown = {}, query: unknown = {}): RoutedRequest => ({ method: 'GET', route, params, query });
const outcome = (request: RoutedRequest, principal: Principal | null): string => {
  const decision = decideAccess(request, principal);
  return decision.allowed ? 'allowed' : `${decision.error.status} ${decision.error.code}`;
};

describe('deciding access', () => {
  it('lets anyone reach the public routes, with or without a key', () => {
    for (const route of ['/health/live', '/health/ready', '/openapi.json', '/docs', '/docs/static/index.html', '/ops', '/ops/app.js']) {
      expect(outcome(get(route), null)).toBe('allowed');
      expect(outcome(get(route), service)).toBe('allowed');
    }
    expect(outcome(get('/opsx'), null)).toBe('401 unauthorized');
    expect(outcome(get('/docsx'), null)).toBe('401 unauthorized');
  });

  it('answers 401 without a known key, before anything else is looked at', () => {
    expect(outcome(get('/v1/tenants/:tenantId/transfers', { tenantId: 'acme' }), null)).toBe('401 unauthorized');
    expect(outcome(get('/not/in/the/table'), null)).toBe('401 unauthorized');
  });

  it('refuses every key, admin too, on a route missing from the table: a new route stays closed until listed', () => {
    expect(outcome(get('/v1/brand-new-route'), admin)).toBe('403 forbidden');
    expect(outcome({ method: 'DELETE', route: '/v1/tenants/:tenantId/subjects/:subjectId', params: { tenantId: 'acme' }, query: {} }, admin)).toBe(
      '403 forbidden',
    );
    expect(outcome(get(undefined), admin)).toBe('403 forbidden');
  });

  it('treats HEAD as the GET it answers', () => {
    expect(outcome({ method: 'HEAD', route: '/health', params: {}, query: {} }, ops)).toBe('allowed');
    expect(outcome({ method: 'HEAD', route: '/health', params: {}, query: {} }, service)).toBe('403 forbidden');
  });

  describe('a tenant in the path', () => {
    const status = (tenantId: unknown) => get('/v1/tenants/:tenantId/subjects/:subjectId', { tenantId, subjectId: 's-1' });

    it('must be covered by the key', () => {
      expect(outcome(status('acme'), service)).toBe('allowed');
      expect(outcome(status('globex'), service)).toBe('403 forbidden');
      expect(outcome(status('globex'), auditor)).toBe('allowed');
      expect(outcome(status('anyone'), admin)).toBe('allowed');
    });

    it('is checked after the role', () => {
      const decision = decideAccess(status('acme'), ops);
      expect(decision.allowed).toBe(false);
      expect(!decision.allowed && decision.reason).toBe('role ops not allowed');
    });
  });

  describe('a tenantId filter over every tenant (the monitors)', () => {
    const deletions = (query: unknown) => get('/v1/deletions', {}, query);

    it('may be left out by a * key only', () => {
      expect(outcome(deletions({}), admin)).toBe('allowed');
      expect(outcome(deletions({}), ops)).toBe('403 forbidden');
      expect(outcome(deletions({}), auditor)).toBe('403 forbidden');
    });

    it('must name a covered tenant for a limited key', () => {
      expect(outcome(deletions({ tenantId: 'acme' }), ops)).toBe('allowed');
      expect(outcome(deletions({ tenantId: 'globex' }), ops)).toBe('403 forbidden');
      expect(outcome(deletions({ tenantId: 'globex' }), auditor)).toBe('allowed');
    });

    it('is a 400 naming tenantId when it is malformed and decides access', () => {
      const decision = decideAccess(deletions({ tenantId: ['acme', 'globex'] }), ops);
      expect(!decision.allowed && decision.error).toMatchObject({ status: 400, code: 'validation-failed', errors: [{ field: 'tenantId' }] });
      expect(outcome(deletions({ tenantId: 'a b' }), ops)).toBe('400 validation-failed');
      // A * key is refused nothing here: the validation pipe answers it the same 400 later.
      expect(outcome(deletions({ tenantId: ['acme', 'globex'] }), admin)).toBe('allowed');
    });
  });

  describe('the audit stream', () => {
    const stream = (query: unknown) => get('/v1/audit/events', {}, query);

    it('lets a limited key leave tenantId out (the controller cuts the stream to its tenants), but not name another tenant', () => {
      expect(outcome(stream({}), auditor)).toBe('allowed');
      expect(outcome(stream({ tenantId: 'globex' }), auditor)).toBe('allowed');
      expect(outcome(stream({ tenantId: 'initech' }), auditor)).toBe('403 forbidden');
      expect(outcome(stream({ tenantId: 'initech' }), admin)).toBe('allowed');
    });

    it('is closed to services and ops', () => {
      expect(outcome(stream({ tenantId: 'acme' }), service)).toBe('403 forbidden');
      expect(outcome(stream({ tenantId: 'acme' }), ops)).toBe('403 forbidden');
    });
  });

  it('lists each route of the table once', () => {
    const keys = ROUTE_ACCESS.map((r) => `${r.method} ${r.url}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
