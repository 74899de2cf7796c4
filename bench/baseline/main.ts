import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { BODY_LIMIT_BYTES } from '../../src/app.factory.js';
import { ledgerValidationPipe } from '../../src/http/validation.js';
import { BaselineModule, CeilingModule } from './baseline.module.js';

/**
 * The bare baseline of the commands benchmark: NestJS 12 on Fastify, one POST validated by
 * the ledger's own DTO classes and validation pipe, no storage. Listens on PORT (127.0.0.1).
 * With BASELINE_APPEND_TO=<file> it is the store ceiling instead: the same route, plus one
 * durable group-committed append of each request to that SQLite file before the answer.
 */
const appendTo = process.env['BASELINE_APPEND_TO'];
const module = appendTo ? CeilingModule.withLog(appendTo) : BaselineModule;
const app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES }), {
  logger: ['error'],
});
app.useGlobalPipes(ledgerValidationPipe());
app.enableShutdownHooks();
await app.listen(Number(process.env['PORT'] ?? 3100), '127.0.0.1');
