import { FastifyOtelInstrumentation } from '@fastify/otel';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ATTR_URL_PATH } from '@opentelemetry/semantic-conventions';
import type { TracingSettings } from '../../config/ledger-config.js';

/** The routes polled by probes and Prometheus (their successes are also logged at `debug` only). */
const UNTRACED = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * The OpenTelemetry SDK, imported by start-tracing.ts only when tracing is on. It exports spans
 * over OTLP as the standard `OTEL_EXPORTER_OTLP_*` variables say (the SDK reads them itself,
 * batching them), with W3C trace context and baggage as propagators. The one instrumentation is @fastify/otel: a
 * `request` span per HTTP request, a child of the caller's `traceparent`, with the route's
 * handler and the ledger's own spans (src/platform/tracing.ts) under it.
 */
export const startSdk = (settings: TracingSettings, http: boolean): (() => Promise<void>) => {
  const sdk = new NodeSDK({
    serviceName: settings.serviceName,
    // Traces only: metrics are Prometheus' (GET /metrics) and logs go to standard output,
    // where the SDK would otherwise add OTLP exporters of both by default.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: http
      ? [
          new FastifyOtelInstrumentation({
            // Attaches through Fastify's `fastify.initialization` diagnostics channel when the
            // app creates its instance: no module patching, so it works on Nest's ESM imports.
            registerOnInitialization: true,
            // An exception's message and stack may quote the request.
            recordExceptions: false,
            // One span for the request and one for its handler; a span per hook (security
            // headers, rate limit, logging) would triple the spans and tell little.
            instrumentHooks: false,
            // Probes and scrapes come every few seconds from machines and belong to no caller's trace.
            ignorePaths: (route) => UNTRACED.has(route.url ?? ''),
            // The request span carries the route's pattern, not the path: a path holds the
            // tenant and subject ids (`/v1/tenants/acme/subjects/s-123/consents`) and its query
            // string what was asked.
            requestHook: (span, request) => {
              const route = request.routeOptions.url ?? 'unmatched';
              span.setAttribute(ATTR_URL_PATH, route);
              span.updateName(`${request.method} ${route}`);
            },
          }),
        ]
      : [],
  });
  sdk.start();
  return () => sdk.shutdown();
};
