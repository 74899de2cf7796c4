import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import helmet from 'helmet';
import type { LedgerConfig } from '../config/ledger-config.js';
import { LedgerError } from '../domain/ledger-error.js';
import { ApiKeyRegistry } from './api-keys.js';

/** Headers a browser client may send and read when CORS is on. */
const CORS_REQUEST_HEADERS = ['authorization', 'content-type', 'accept', 'idempotency-key', 'x-actor', 'x-correlation-id'];
const CORS_EXPOSED_HEADERS = ['retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'];

/**
 * The Fastify plugins that harden every route, Nest's or not (docs/security.md). Registered
 * before Nest adds its routes: the rate limiter hooks each route as it is added.
 */
export const registerHttpSecurity = async (app: NestFastifyApplication, config: LedgerConfig): Promise<void> => {
  const keys = app.get(ApiKeyRegistry);
  // helmet's middleware is built once: @fastify/helmet builds it again for every request,
  // parsing the CSP directives each time.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        // helmet's defaults (default-src 'self', script-src 'self', no inline script, no
        // objects), except two: no framing at all, and no forced upgrade to https, which would
        // break the ops page on a plain-HTTP development port (TLS is the deployment's job).
        'frame-ancestors': ["'none'"],
        'upgrade-insecure-requests': null,
      },
    },
  });
  // On every request, matched or not; a route may still set a header of its own (the ops page's CSP).
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) =>
      securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined)),
    );
  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: [...config.corsOrigins],
      methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: CORS_REQUEST_HEADERS,
      exposedHeaders: CORS_EXPOSED_HEADERS,
      maxAge: 600,
    });
  }
  if (config.rateLimit > 0) {
    const logger = new Logger('RateLimit');
    // One line per key per window: a flood of refused requests must not become a flood of logs.
    const lastLogged = new Map<string, number>();
    const logExceeded = (key: string): void => {
      const now = Date.now();
      if ((lastLogged.get(key) ?? 0) > now - 60_000) return;
      if (lastLogged.size > 10_000) lastLogged.clear();
      lastLogged.set(key, now);
      logger.warn(`rate limit of ${config.rateLimit} requests a minute reached by ${key}`);
    };
    await app.register(rateLimit, {
      max: config.rateLimit,
      timeWindow: 60_000,
      // Per key by its name, so a key's budget is the same from every address; per client
      // address without a known key, which also slows down guessing keys.
      keyGenerator: (request: FastifyRequest) => {
        const principal = keys.principalOf(request);
        return principal === null ? `address:${request.ip}` : `key:${principal.name}`;
      },
      onExceeded: (_request: FastifyRequest, key: string) => logExceeded(key),
      errorResponseBuilder: (_request, context) =>
        new LedgerError('rate-limited', `More than ${context.max} requests in a minute; retry in ${context.after}.`),
    });
  }
};
