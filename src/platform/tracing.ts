import { SpanStatusCode, context, isSpanContextValid, trace, type Attributes, type Span } from '@opentelemetry/api';
import { LedgerError } from '../domain/ledger-error.js';

/**
 * The ledger's own spans (docs/operations.md, "Traces"). They go through the OpenTelemetry API
 * alone: until an SDK registers a tracer provider (only when OTEL_EXPORTER_OTLP_ENDPOINT is set,
 * src/observability/tracing/start-tracing.ts) the API's tracer is a no-op, so a span costs a
 * couple of small objects and nothing is exported.
 *
 * No attribute may hold personal data or an id of a data subject: see ATTRIBUTES and the rule in
 * docs/operations.md. A failed span names the error's code or class, never its message.
 */
const tracer = trace.getTracer('privacy-ledger');

/** The attribute names the ledger's spans use; nothing else is set on them. */
export const ATTRIBUTES = {
  /** The command's type as in `ledger_commands_total` (`give-consent`, …). */
  commandType: 'ledger.command.type',
  /** `created`, `unchanged`, `refused` or `failed`, as in `ledger_commands_total`. */
  commandOutcome: 'ledger.command.outcome',
  /** The tenant (a controller organisation, not a person). */
  tenantId: 'ledger.tenant.id',
  /** The kind of stream written (`subject`, `policy`, …), never its id: a subject's stream id holds the subject id. */
  streamKind: 'ledger.stream.kind',
  /** 1 for the first decision, more after version conflicts. */
  attempt: 'ledger.attempt',
  /** The stream revision the append expects (-1: a new stream). */
  expectedRevision: 'ledger.stream.expected_revision',
  eventCount: 'ledger.events.count',
  eventTypes: 'ledger.events.types',
  /** The global position of the first and last event written or applied. */
  firstPosition: 'ledger.position.first',
  lastPosition: 'ledger.position.last',
  /** The append was refused because another writer moved the stream first. */
  conflict: 'ledger.append.conflict',
  projection: 'ledger.projection.name',
  /** Semantic convention: a low-cardinality name of the failure (the ledger's problem code or the error's class). */
  errorType: 'error.type',
} as const;

/** Span names, one per step of the ledger's own work. */
export const SPANS = {
  command: 'ledger.command',
  decide: 'ledger.decide',
  append: 'ledger.append',
  projectionBatch: 'ledger.projection.batch',
} as const;

/**
 * Runs `work` inside a new span, active for everything it awaits (so the spans it starts are
 * its children), and ends the span when it settles. An error names itself on the span by its
 * code or class (`error.type`), never by its message, which may quote a request; only a failure
 * (not a refusal by the rules, a 4xx) sets the span's status to error. `root`: the span starts a
 * trace of its own (work no request waits for, such as a projection batch).
 */
export const inSpan = <T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  options: { root?: boolean } = {},
): Promise<T> => {
  const span = tracer.startSpan(name, { attributes, root: options.root === true });
  // No SDK: the no-op tracer's span has nothing to record and no trace to join, so the work
  // runs as it would without it (no context to switch, no extra promise).
  if (!span.isRecording() && !isSpanContextValid(span.spanContext())) return work(span);
  return context.with(trace.setSpan(context.active(), span), () => settle(span, work));
};

const settle = async <T>(span: Span, work: (span: Span) => Promise<T>): Promise<T> => {
  try {
    return await work(span);
  } catch (error) {
    span.setAttribute(ATTRIBUTES.errorType, errorType(error));
    if (!(error instanceof LedgerError && error.status < 500)) span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
};

/** A ledger error's code (`subject-erased`, …), a store's error code (`SQLITE_FULL`), or else the error's class name. */
const errorType = (error: unknown): string => {
  if (error instanceof LedgerError) return error.code;
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(code)) return code;
    return error.constructor?.name ?? 'Error';
  }
  return typeof error;
};
