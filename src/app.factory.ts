import 'reflect-metadata';
import { maxHeaderSize } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule, type AppOptions } from './app.module.js';
import { setupOpenApi } from './http/openapi/openapi.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';
import { ledgerValidationPipe } from './http/validation.js';

/** api.md: a body over 64 KiB is refused with 413. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** Builds the whole ledger app; `main.ts` and the e2e tests both start it this way. */
export const createLedgerApp = async (options: AppOptions): Promise<NestFastifyApplication> => {
  const problems = new ProblemDetailsFilter();
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    // As long as any URL Node accepts: a too-long id reaches validation, which names it.
    routerOptions: { maxParamLength: maxHeaderSize },
    frameworkErrors: problems.routerErrors,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(options), adapter, {
    logger: options.logger ?? ['log', 'warn', 'error'],
    bufferLogs: false,
    // Fastify's own JSON parser is the only one: a form or text body is answered 415.
    bodyParser: false,
  });
  app.getHttpAdapter().getInstance().removeContentTypeParser('text/plain');
  app.useGlobalPipes(ledgerValidationPipe());
  app.useGlobalFilters(problems);
  app.enableShutdownHooks();
  setupOpenApi(app);
  return app;
};
