import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { LedgerError } from '../../domain/ledger-error.js';
import { StoreUnavailableError } from '../../platform/store-errors.js';
import { ATTRIBUTES, SPANS, inSpan } from '../../platform/tracing.js';

/** How a command ended, as `ledger_commands_total{outcome}` counts it. */
export type CommandOutcomeLabel = 'created' | 'unchanged' | 'refused' | 'failed';

/**
 * The app's Prometheus metrics (docs/operations.md), in a registry of its own rather than
 * prom-client's global one, so that several apps in one process (the e2e tests) never share
 * or collide on a metric. Counters and histograms are updated as things happen; the gauges
 * computed at scrape time are added by ReadModelGauges.
 */
@Injectable()
export class LedgerMetrics {
  readonly registry = new Registry();

  private readonly commands = new Counter({
    name: 'ledger_commands_total',
    help: 'Commands decided by the write path, by command type and outcome (created, unchanged, refused, failed); code is the error code of a refusal or failure.',
    labelNames: ['command', 'outcome', 'code'] as const,
    registers: [this.registry],
  });

  private readonly events = new Counter({
    name: 'ledger_events_appended_total',
    help: 'Events appended to the event store by this instance, by event type.',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  private readonly requests = new Histogram({
    name: 'ledger_http_request_duration_seconds',
    help: 'HTTP request latency, by method, route pattern (never the URL with its ids) and status class.',
    labelNames: ['method', 'route', 'status_class'] as const,
    // Reads that wait for ?atLeast= take up to 2 s: the buckets reach past that.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly stateCacheHits = new Counter({
    name: 'ledger_state_cache_hits_total',
    help: 'Commands whose stream state this instance had kept: only the events appended since were read.',
    registers: [this.registry],
  });

  private readonly stateCacheMisses = new Counter({
    name: 'ledger_state_cache_misses_total',
    help: 'Commands whose stream state was not kept (first use, evicted, or dropped after a conflict): the whole stream was read.',
    registers: [this.registry],
  });

  private readonly stateCacheEvictions = new Counter({
    name: 'ledger_state_cache_evictions_total',
    help: 'Stream states dropped to stay within LEDGER_STATE_CACHE_SUBJECTS, least recently used first.',
    registers: [this.registry],
  });

  private readonly appendConflicts = new Counter({
    name: 'ledger_append_conflicts_total',
    help: 'Appends refused because another writer (another request or instance) had moved the stream since it was read; the command was decided again from the fresh stream.',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Runs a command and counts its outcome: `created` (201) or `unchanged` (200) from its
   * answer, `refused` with the code of a LedgerError (the rules, a conflict, a reused key),
   * `failed` with `store-unavailable` or `internal-error` for anything else, as the
   * problem+json filter would answer it. An idempotent replay counts as its first answer.
   * The command runs in a `ledger.command` span with the same labels (docs/operations.md, "Traces").
   */
  observeCommand<T extends { readonly status: number }>(command: string, run: () => Promise<T>): Promise<T> {
    return inSpan(SPANS.command, { [ATTRIBUTES.commandType]: command }, async (span) => {
      try {
        const outcome = await run();
        const label = outcome.status === 201 ? 'created' : 'unchanged';
        this.commands.inc({ command, outcome: label });
        span.setAttribute(ATTRIBUTES.commandOutcome, label);
        return outcome;
      } catch (error) {
        const [outcome, code] = failureOf(error);
        this.commands.inc({ command, outcome, code });
        span.setAttribute(ATTRIBUTES.commandOutcome, outcome);
        throw error;
      }
    });
  }

  eventsAppended(events: readonly { readonly type: string }[]): void {
    for (const event of events) this.events.inc({ type: event.type });
  }

  /** A lookup in the write path's stream state cache. */
  stateCacheLookup(found: boolean): void {
    (found ? this.stateCacheHits : this.stateCacheMisses).inc();
  }

  /** An expected-revision conflict on append: the write path decides the command again. */
  appendConflict(): void {
    this.appendConflicts.inc();
  }

  stateCacheEvicted(): void {
    this.stateCacheEvictions.inc();
  }

  /** `route` is the route's pattern; undefined (no route matched) is labelled `unmatched`. */
  requestServed(method: string, route: string | undefined, statusCode: number, seconds: number): void {
    this.requests.observe({ method, route: route ?? 'unmatched', status_class: `${Math.floor(statusCode / 100)}xx` }, seconds);
  }
}

const failureOf = (error: unknown): [CommandOutcomeLabel, string] => {
  if (error instanceof LedgerError) return [error.status < 500 ? 'refused' : 'failed', error.code];
  return ['failed', error instanceof StoreUnavailableError ? 'store-unavailable' : 'internal-error'];
};
