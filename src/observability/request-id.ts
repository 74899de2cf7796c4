import type { IncomingMessage } from 'node:http';
import type { IdGenerator } from '../platform/ids.js';

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * A caller's X-Request-Id is kept only if it is a plain token: it is logged, echoed and
 * becomes the correlation id stored in the events, so anything with spaces, quotes, an `@`
 * (an e-mail address), or over 128 characters is replaced by a fresh id instead.
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export const saneRequestId = (value: string | string[] | undefined): string | undefined =>
  typeof value === 'string' && SANE_REQUEST_ID.test(value) ? value : undefined;

/**
 * Fastify's `genReqId`: the request id is Fastify's `request.id`, which the request log
 * (pino-http reads it from the raw request), the response header and the command's
 * correlation id all take from there.
 */
export const requestIdGenerator =
  (ids: IdGenerator) =>
  (request: IncomingMessage): string =>
    saneRequestId(request.headers[REQUEST_ID_HEADER]) ?? ids.newId();
