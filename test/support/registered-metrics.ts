import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Gauge, Histogram, Summary } from 'prom-client';
import { LedgerMetrics } from '../../src/observability/metrics/ledger-metrics.js';
import { REPO_ROOT } from './domain-event-fields.js';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

export interface RegisteredMetric {
  readonly name: string;
  readonly type: MetricType;
}

const SRC = join(REPO_ROOT, 'src');

/**
 * The ledger's own metrics, as the source declares them: every `new Counter|Gauge|Histogram|Summary({ name: 'ledger_...' })`
 * outside the specs. Read from the source because most gauges need the stores to be built;
 * docs/operations.md's metrics table and the ops artefacts under deploy/ are checked against it.
 */
export const registeredLedgerMetrics = (): RegisteredMetric[] =>
  readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
    .flatMap((file) =>
      [
        ...readFileSync(join(SRC, file), 'utf8').matchAll(/\bnew (Counter|Gauge|Histogram|Summary)\(\{\s*name:\s*'(ledger_[a-z0-9_:]*)'/g),
      ].map((m) => ({ name: m[2]!, type: m[1]!.toLowerCase() as MetricType })),
    )
    .sort((a, b) => a.name.localeCompare(b.name));

/** Every `name: 'ledger_...'` in the source, however it is declared: a check that the list above misses none. */
export const ledgerMetricNamesInSource = (): string[] =>
  readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
    .flatMap((file) => [...readFileSync(join(SRC, file), 'utf8').matchAll(/\bname:\s*'(ledger_[a-z0-9_:]*)'/g)].map((m) => m[1]!))
    .sort();

/** The metrics a real LedgerMetrics registers itself: its counters and histogram, and prom-client's default process_* and nodejs_* ones. */
export const ledgerMetricsRegistry = (): RegisteredMetric[] =>
  new LedgerMetrics().registry.getMetricsAsArray().map((metric) => ({ name: metric.name, type: typeOf(metric) }));

/** getMetricsAsArray() hands out the metric objects themselves (its declared `type` enum is not what they carry). */
const typeOf = (metric: unknown): MetricType =>
  metric instanceof Histogram ? 'histogram' : metric instanceof Summary ? 'summary' : metric instanceof Gauge ? 'gauge' : 'counter';

/**
 * The series names a scrape of the ledger can hold: each metric's name, and for a histogram its
 * `_bucket`, `_sum` and `_count` series (a summary's `_sum` and `_count`).
 */
export const exportedSeriesNames = (): Set<string> => {
  const names = new Set<string>();
  for (const { name, type } of [...registeredLedgerMetrics(), ...ledgerMetricsRegistry()]) {
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    else {
      names.add(name);
      if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix);
    }
  }
  return names;
};
