import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_STATUS, LedgerError, type ErrorCode, type FieldError } from '../domain/ledger-error.js';
import { StoreUnavailableError } from '../platform/store-errors.js';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: readonly FieldError[];
}

const TITLES: Record<string, string> = {
  'validation-failed': 'The request is not valid',
  'malformed-json': 'The body is not valid JSON',
  'not-found': 'Not found',
  'unsupported-media-type': 'The body must be JSON',
  'payload-too-large': 'The body is too large',
  'unauthorized': 'An API key is needed',
  'forbidden': 'This API key may not do this',
  'rate-limited': 'Too many requests',
  'headers-too-large': 'The request headers are too large',
  'request-timeout': 'The request took too long to arrive',
  'store-unavailable': 'A store is unavailable',
  'internal-error': 'Internal error',
};

/** Fastify's own request errors, by their stable codes. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  // The router's (see `routerErrors`): a path that is not valid percent-encoding, or a path
  // parameter longer than the router takes.
  FST_ERR_BAD_URL: 'validation-failed',
  FST_ERR_MAX_PARAM_LENGTH: 'validation-failed',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation-failed',
};

/** The router cannot tell which parameter it refused: the field named is the path. */
const ROUTER_FIELDS: Record<string, FieldError> = {
  FST_ERR_BAD_URL: { field: 'path', message: 'the URL path is not valid percent-encoded UTF-8' },
  FST_ERR_MAX_PARAM_LENGTH: { field: 'path', message: 'a path parameter is longer than the ledger reads' },
};

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'validation-failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  408: 'request-timeout',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'rate-limited',
  431: 'headers-too-large',
};

/** RFC 6750 §3: a 401 names the scheme the caller must use. */
export const BEARER_CHALLENGE = 'Bearer realm="privacy-ledger"';

/**
 * The only place where errors become HTTP: everything is rendered as RFC 9457 problem
 * details. Unknown errors are logged and answered 500 without leaking their message.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    this.send(exception, host.switchToHttp().getResponse<FastifyReply>());
  }

  /**
   * For Fastify's `frameworkErrors`: the router answers a malformed URL or an over-long path
   * parameter before Nest sees the request, and would otherwise send its own JSON, not a problem.
   */
  readonly routerErrors = (error: Error, _request: FastifyRequest, reply: FastifyReply): void => this.send(error, reply);

  private send(exception: unknown, reply: FastifyReply): void {
    const problem = this.toProblem(exception);
    if (problem.status === 503) void reply.header('retry-after', '1');
    if (problem.status === 401) void reply.header('www-authenticate', BEARER_CHALLENGE);
    // The rate limiter sets the real wait before it throws; this only covers a 429 from elsewhere.
    if (problem.status === 429 && !reply.hasHeader('retry-after')) void reply.header('retry-after', '60');
    void reply.status(problem.status).header('content-type', 'application/problem+json').send(problem);
  }

  private toProblem(exception: unknown): Problem {
    if (exception instanceof LedgerError) {
      return problem(exception.code, exception.status, exception.detail, exception.errors);
    }
    if (exception instanceof StoreUnavailableError) {
      this.logger.warn(`store unavailable: ${String((exception.cause as Error | undefined)?.message ?? exception.message)}`);
      return problem('store-unavailable', 503, 'A store is unavailable; retry shortly.');
    }
    // Nest wraps Fastify's parser errors (bad JSON, empty or oversized body) in an
    // HttpException whose cause carries Fastify's stable code.
    const source = exception instanceof HttpException && exception.cause !== undefined ? exception.cause : exception;
    const fastifyCode = (source as { code?: unknown } | null)?.code;
    if (typeof fastifyCode === 'string' && FASTIFY_CODES[fastifyCode]) {
      const code = FASTIFY_CODES[fastifyCode];
      const field = ROUTER_FIELDS[fastifyCode];
      return problem(code, ERROR_STATUS[code], (source as Error).message, field && [field]);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = BY_STATUS[status];
      if (code) return problem(code, status, exception.message);
      if (status < 500) return problem(slug(exception.name), status, exception.message);
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return problem('internal-error', 500, 'An unexpected error occurred; it has been logged.');
  }
}

/** The body of every error answer; also used where Nest cannot answer (src/http/client-errors.ts). */
export const problem = (code: string, status: number, detail: string, errors?: readonly FieldError[]): Problem => ({
  type: `urn:privacy-ledger:problem:${code}`,
  title: TITLES[code] ?? code.replace(/-/g, ' '),
  status,
  detail,
  code,
  ...(errors && errors.length > 0 && { errors }),
});

const slug = (name: string): string =>
  name
    .replace(/Exception$/, '')
    .replace(/([a-z])([A-Z])/g, '$1-$2')
    .toLowerCase();
