import type { IncomingMessage } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { LedgerMetrics } from './metrics/ledger-metrics.js';
import { REQUEST_ID_HEADER } from './request-id.js';

const ROUTE_PATTERN = Symbol('routePattern');

/** The pattern of the route a raw request matched (e.g. `/v1/deletions/summary`), for its log line. */
export const routePatternOf = (request: IncomingMessage): string | undefined =>
  (request as IncomingMessage & { [ROUTE_PATTERN]?: string })[ROUTE_PATTERN];

/**
 * Fastify hooks for every request, matched or not: the request id goes back in the
 * X-Request-Id header, the matched route's pattern is noted on the raw request for the
 * request log (which sees only the raw request), and the latency is observed by route
 * pattern, never by URL (ids in paths would make one series per subject).
 * Added before Nest registers its routes (at init), so they apply to all of them.
 */
export const installHttpObservability = (app: NestFastifyApplication): void => {
  const metrics = app.get(LedgerMetrics);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, _reply, done) => {
    const pattern = request.routeOptions.url;
    if (pattern !== undefined) (request.raw as IncomingMessage & { [ROUTE_PATTERN]?: string })[ROUTE_PATTERN] = pattern;
    done();
  });
  // On every answer, errors and 404s included.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.requestServed(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
};
