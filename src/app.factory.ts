import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule, appLogSettings, type AppOptions } from './app.module.js';
import { registerHttpSecurity } from './access/http-security.js';
import { isPublicRoute } from './access/route-access.js';
import { MAX_HEADER_BYTES, problemClientErrorHandler } from './http/client-errors.js';
import { setupOpenApi } from './http/openapi/openapi.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';
import { ledgerValidationPipe } from './http/validation.js';
import { installHttpObservability } from './observability/http-observability.js';
import { requestIdGenerator } from './observability/request-id.js';
import { uuidV7Generator } from './platform/ids.js';

/** api.md: a body over 64 KiB is refused with 413. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** Builds the whole ledger app; `main.ts` and the e2e tests both start it this way. */
export const createLedgerApp = async (options: AppOptions): Promise<NestFastifyApplication> => {
  const timeout = options.config.requestTimeoutMs;
  const problems = new ProblemDetailsFilter();
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    // As long as any request line Node accepts: a too-long id reaches validation, which names it.
    routerOptions: { maxParamLength: MAX_HEADER_BYTES },
    // Router errors (a malformed URL) answer problem+json like everything else.
    frameworkErrors: problems.routerErrors,
    // A whole request must arrive within the timeout (else 408); a connection silent for twice
    // as long (an idle keep-alive, a client that stopped reading) is closed without an answer.
    requestTimeout: timeout,
    connectionTimeout: 2 * timeout,
    // Node checks request timeouts on this interval (30 s by default), so it must be well under
    // them: a late request is answered 408 at most a quarter of the timeout after it, long before
    // the idle socket's own timeout (twice the request timeout) closes it without an answer.
    http: { maxHeaderSize: MAX_HEADER_BYTES, connectionsCheckingInterval: Math.max(100, Math.min(Math.floor(timeout / 4), 5_000)) },
    clientErrorHandler: problemClientErrorHandler,
    // The caller's X-Request-Id when it is a plain token, else a fresh id (request-id.ts).
    genReqId: requestIdGenerator(options.ids ?? uuidV7Generator),
  });
  const { appLogs } = appLogSettings(options);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(options), adapter, {
    // With JSON logs, Nest's own start-up lines wait for the pino logger rather than print as text.
    ...(appLogs ? { bufferLogs: true } : { logger: options.logger ?? ['log', 'warn', 'error'], bufferLogs: false }),
    // Fastify's own JSON parser is the only one: a form or text body is answered 415.
    bodyParser: false,
  });
  if (appLogs) app.useLogger(app.get(Logger));
  installHttpObservability(app);
  app.getHttpAdapter().getInstance().removeContentTypeParser('text/plain');
  await registerHttpSecurity(app, options.config);
  app.useGlobalPipes(ledgerValidationPipe());
  app.useGlobalFilters(problems);
  app.enableShutdownHooks();
  // A projector serves no API to describe: health and metrics only.
  if (options.config.role !== 'projector') setupOpenApi(app, isPublicRoute);
  return app;
};
