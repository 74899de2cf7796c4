import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { decideAccess } from './access-decision.js';
import { ApiKeyRegistry } from './api-keys.js';
import type { Principal } from '../config/api-key-list.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's key (name, role, tenants; never the key), set by AccessGuard once it let the request in. */
    principal?: Principal;
  }
}

/**
 * The global guard (APP_GUARD): every Nest route passes through `decideAccess`, which knows
 * the one table of routes (route-access.ts). Refusals are logged with the key's name, never
 * the key or the Authorization header.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger('Access');

  constructor(private readonly keys: ApiKeyRegistry) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const principal = this.keys.principalOf(request);
    const decision = decideAccess(
      { method: request.method, route: request.routeOptions.url, params: request.params, query: request.query },
      principal,
    );
    if (!decision.allowed) {
      const who = principal === null ? 'a request without a known API key' : `key "${principal.name}" (${principal.role})`;
      this.logger.warn(`refused ${who}: ${request.method} ${request.routeOptions.url ?? request.url}: ${decision.reason}`);
      throw decision.error;
    }
    if (principal !== null) request.principal = principal;
    return true;
  }
}

/** The caller of a route the guard let in with a key; a route reached without one is a wiring bug. */
export const principalOf = (request: FastifyRequest): Principal => {
  if (request.principal === undefined) throw new Error('no principal on the request: is AccessGuard installed?');
  return request.principal;
};
