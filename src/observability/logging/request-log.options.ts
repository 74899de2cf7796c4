import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import { pino, type DestinationStream, type LevelWithSilent } from 'pino';
import type { Options } from 'pino-http';
import { routePatternOf } from '../http-observability.js';

/** What the app logs, where to, and whether Nest's own logs go through pino too. */
export interface LogSettings {
  readonly level: LevelWithSilent;
  /** Where the JSON lines go; undefined: standard output. */
  readonly destination: DestinationStream | undefined;
  /** Nest's own logs (start-up, projections, errors) go through pino as JSON lines as well. */
  readonly appLogs: boolean;
}

export interface LogOptions {
  readonly level: LevelWithSilent;
  /** The app's `logger` option: `false` or levels keep Nest's own logger and silence the request log. */
  readonly logger?: unknown;
  readonly logStream?: DestinationStream;
}

/**
 * JSON logs through pino unless the app was given a logger of its own (tests pass `false`,
 * the benchmark a list of levels); a log stream (a test capturing the lines) always means JSON.
 */
export const logSettingsOf = (options: LogOptions): LogSettings => {
  const appLogs = options.logStream !== undefined || options.logger === undefined;
  return { level: appLogs ? options.level : 'silent', destination: options.logStream, appLogs };
};

/**
 * Defence in depth: the serializers below already keep only named fields, but a log call
 * elsewhere that passes headers or a body must not leak them either.
 */
const REDACTED = [
  'authorization',
  'cookie',
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  'req.headers',
  'res.headers',
  'body',
  'req.body',
  'res.body',
];

/** Routes polled by machines (docs/operations.md). */
const ROUTINE_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

type RawRequest = IncomingMessage & { originalUrl?: string };

/**
 * A request as its log line shows it: the method and the path, never the query string,
 * the headers (Authorization, cookies, the caller's address) or the body. Ids in the path
 * are opaque (api.md) and may be logged; the route's pattern comes next to them.
 */
const requestFields = (request: RawRequest) => ({
  method: request.method,
  url: (request.originalUrl ?? request.url ?? '').split('?')[0],
});

const responseFields = (response: ServerResponse) => ({ statusCode: response.statusCode });

/**
 * nestjs-pino's parameters: one line per request when its response is finished, with the
 * request id (Fastify's `request.id`, see request-id.ts) as `requestId` on that line and on
 * every log made while the request is handled.
 */
export const requestLogParams = (settings: LogSettings): Params => {
  const options: Options<RawRequest, ServerResponse> = {
    level: settings.level,
    // Readable levels and ISO times: people read these lines as well as log shippers.
    formatters: { level: (label) => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.isoTime,
    customAttributeKeys: { reqId: 'requestId' },
    // Logs made while handling a request carry its id only; the request line has the rest.
    quietReqLogger: true,
    // The serializers get the raw request and response, so nothing unlisted gets through.
    wrapSerializers: false,
    serializers: { req: requestFields, res: responseFields, err: pino.stdSerializers.err },
    redact: { paths: REDACTED, remove: true },
    customLogLevel: (request, response, error) => {
      if (error !== undefined || response.statusCode >= 500) return 'error';
      // An orchestrator probes every few seconds and Prometheus scrapes as often: their
      // successes would bury the requests that matter, so they are logged at debug.
      return response.statusCode < 400 && ROUTINE_ROUTES.has(routePatternOf(request) ?? '') ? 'debug' : 'info';
    },
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
    customSuccessObject: (request, _response, value) => ({ ...value, route: routePatternOf(request) ?? null }),
    customErrorObject: (request, _response, _error, value) => ({ ...value, route: routePatternOf(request) ?? null }),
  };
  return {
    pinoHttp: settings.destination === undefined ? options : [options, settings.destination],
    // nestjs-pino's default, `{/*splat}`, reaches Nest 12's Fastify adapter as `/{/*splat}`,
    // which matches no path but `/`: every request would go unlogged.
    forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
  };
};

let claimed: LogSettings | undefined;

/**
 * nestjs-pino keeps one request logger per process (per Jest test file): the first app's
 * level and destination hold for every later app. Asking a later app for others would be
 * silently ignored, so it is refused instead.
 */
export const claimProcessLogger = (settings: LogSettings): void => {
  if (claimed === undefined) {
    claimed = settings;
    return;
  }
  if (claimed.level !== settings.level || claimed.destination !== settings.destination) {
    throw new Error(
      `nestjs-pino keeps one request logger per process, already set up at level ${claimed.level}` +
        `${claimed.destination === undefined ? '' : ' with a log stream'}: start every app of this process with the same log settings`,
    );
  }
};
