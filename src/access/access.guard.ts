import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { decideAccess } from './access-decision.js';
import { ApiKeyRegistry, bearerToken } from './api-keys.js';
import { ConfirmationTokenAccess, isConfirmationToken, type ConfirmationTokenGrant } from './confirmation-token-access.js';
import type { Principal } from '../config/api-key-list.js';

export type { ConfirmationTokenGrant } from './confirmation-token-access.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's key (name, role, tenants; never the key), set by AccessGuard once it let the request in. */
    principal?: Principal;
    /** The confirmation token an erasure system sent instead of an API key, once AccessGuard admitted it. */
    confirmationToken?: ConfirmationTokenGrant;
  }
}

/**
 * The global guard (APP_GUARD): every Nest route passes through `decideAccess`, which knows
 * the one table of routes (route-access.ts); a confirmation token (confirmation-token-access.ts)
 * opens the deletion-completions route of its own erasure task instead. Refusals are logged with the key's name, never
 * the key or the Authorization header.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger('Access');

  constructor(
    private readonly keys: ApiKeyRegistry,
    private readonly confirmationTokens: ConfirmationTokenAccess,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const bearer = bearerToken(request.headers['authorization']);
    if (isConfirmationToken(bearer)) {
      try {
        const { principal, grant } = await this.confirmationTokens.admit(request, bearer);
        request.principal = principal;
        request.confirmationToken = grant;
        return true;
      } catch (error) {
        this.logger.warn(
          `refused a confirmation token: ${request.method} ${request.routeOptions.url ?? request.url}: ${(error as Error).message}`,
        );
        throw error;
      }
    }
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
