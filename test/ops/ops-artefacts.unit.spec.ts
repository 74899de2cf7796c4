import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { anchorsOf } from '../docs/markdown-references.js';
import { REPO_ROOT } from '../support/domain-event-fields.js';
import { exportedSeriesNames, ledgerMetricNamesInSource, registeredLedgerMetrics } from '../support/registered-metrics.js';
import { dashboardExpressions, promqlMetricNames, ruleExpressions } from './promql-metric-names.js';

const read = (...path: string[]): string => readFileSync(join(REPO_ROOT, ...path), 'utf8');
const alertsYaml = read('deploy', 'prometheus', 'alerts.yml');
const dashboard = JSON.parse(read('deploy', 'grafana', 'ledger.json')) as { panels: unknown[]; title: string };
const exported = exportedSeriesNames();

/** The names an expression selects that no scrape of the ledger holds. */
const unknownMetrics = (exprs: readonly string[]): string[] =>
  [...new Set(exprs.flatMap(promqlMetricNames))].filter((name) => !exported.has(name)).sort();

describe('the metrics the ledger exports', () => {
  it('are read from every metric the source declares, with their types', () => {
    expect(registeredLedgerMetrics().map((m) => m.name)).toEqual(ledgerMetricNamesInSource());
    expect(registeredLedgerMetrics()).toEqual(
      expect.arrayContaining([
        { name: 'ledger_http_request_duration_seconds', type: 'histogram' },
        { name: 'ledger_projection_lag', type: 'gauge' },
        { name: 'ledger_webhook_deliveries_total', type: 'counter' },
      ]),
    );
  });

  it("hold a histogram's bucket, sum and count series but not its bare name, and the default process metrics", () => {
    for (const name of ['_bucket', '_sum', '_count'].map((suffix) => `ledger_http_request_duration_seconds${suffix}`))
      expect(exported).toContain(name);
    expect(exported).not.toContain('ledger_http_request_duration_seconds');
    expect(exported).toContain('process_resident_memory_bytes');
    expect(exported).toContain('nodejs_eventloop_lag_p99_seconds');
    expect(exported).not.toContain('ledger_projection_lag_bucket');
  });
});

describe('reading metric names out of PromQL', () => {
  it.each([
    [
      'histogram_quantile(0.99, sum by (le, route) (rate(ledger_http_request_duration_seconds_bucket{route="/v1/x"}[$__rate_interval])))',
      ['ledger_http_request_duration_seconds_bucket'],
    ],
    ['sum(rate(ledger_commands_total{outcome="failed"}[5m])) / sum(rate(ledger_commands_total[5m])) > 0.01', ['ledger_commands_total']],
    [
      'ledger_event_store_last_position unless on (instance, job) ledger_erasures{state="overdue"}',
      ['ledger_erasures', 'ledger_event_store_last_position'],
    ],
    ['count(max by (projection) (ledger_projection_state{state="failed"}) == 1) or vector(0)', ['ledger_projection_state']],
    ['sum(rate(a_total[5m] offset 1h)) by (code) * on (code) group_left (x) b{c=~"d|e"} > bool 1e3', ['a_total', 'b']],
  ])('%s selects %j', (expr, names) => {
    expect(promqlMetricNames(expr)).toEqual(names);
  });

  it('reports a misspelt or made-up metric as not exported', () => {
    expect(unknownMetrics(['rate(ledger_command_total[5m])', 'max(ledger_erasures)', 'ledger_projection_lag_bucket'])).toEqual([
      'ledger_command_total',
      'ledger_projection_lag_bucket',
    ]);
  });
});

describe('deploy/prometheus/alerts.yml', () => {
  const exprs = ruleExpressions(alertsYaml);
  const alerts = [...alertsYaml.matchAll(/^\s*- alert:\s*(\S+)/gm)].map((m) => m[1]!);

  it('has an expression for each alert', () => {
    expect(alerts.length).toBeGreaterThanOrEqual(10);
    expect(exprs).toHaveLength(alerts.length);
    expect(exprs.every((expr) => promqlMetricNames(expr).length > 0)).toBe(true);
  });

  it('queries only metrics the ledger exports', () => {
    expect(unknownMetrics(exprs)).toEqual([]);
  });

  it('covers erasures, projections, command errors, the stores and webhooks', () => {
    const used = new Set(exprs.flatMap(promqlMetricNames));
    for (const name of [
      'ledger_erasures',
      'ledger_projection_lag',
      'ledger_projection_state',
      'ledger_commands_total',
      'ledger_event_store_last_position',
      'ledger_webhook_dead_letters',
      'ledger_webhook_deliveries_total',
    ])
      expect(used).toContain(name);
  });

  it("points each alert's runbook at its section of docs/operations.md", () => {
    const anchors = anchorsOf(read('docs', 'operations.md'));
    const runbooks = [...alertsYaml.matchAll(/^\s*runbook:\s*docs\/operations\.md#(\S+)$/gm)].map((m) => m[1]!);
    expect(runbooks).toEqual(alerts.map((alert) => alert.toLowerCase()));
    expect(runbooks.filter((anchor) => !anchors.has(anchor))).toEqual([]);
  });

  it('gives each alert a severity and a for: duration', () => {
    expect([...alertsYaml.matchAll(/^\s*severity:\s*(critical|warning)$/gm)]).toHaveLength(alerts.length);
    expect([...alertsYaml.matchAll(/^\s*for:\s*\d+[smh]$/gm)]).toHaveLength(alerts.length);
  });
});

describe('deploy/grafana/ledger.json', () => {
  const exprs = dashboardExpressions(dashboard);

  it('has panels with queries', () => {
    expect(dashboard.title).toBe('Privacy ledger');
    expect(exprs.length).toBeGreaterThanOrEqual(20);
  });

  it('queries only metrics the ledger exports', () => {
    expect(unknownMetrics(exprs)).toEqual([]);
  });

  it('shows commands, HTTP latency, projections, erasures, webhooks, the state cache and append conflicts', () => {
    const used = new Set(exprs.flatMap(promqlMetricNames));
    for (const name of [
      'ledger_commands_total',
      'ledger_http_request_duration_seconds_bucket',
      'ledger_projection_lag',
      'ledger_erasures',
      'ledger_webhook_deliveries_total',
      'ledger_webhook_dead_letters',
      'ledger_state_cache_hits_total',
      'ledger_state_cache_misses_total',
      'ledger_append_conflicts_total',
    ])
      expect(used).toContain(name);
  });
});
