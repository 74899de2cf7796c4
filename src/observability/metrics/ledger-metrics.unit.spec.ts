import { describe, expect, it } from '@jest/globals';
import { LedgerError } from '../../domain/ledger-error.js';
import { StoreUnavailableError } from '../../platform/store-errors.js';
import { parseMetrics, valueOf } from '../../../test/support/prometheus.js';
import { LedgerMetrics } from './ledger-metrics.js';

const scrape = async (metrics: LedgerMetrics) => parseMetrics(await metrics.registry.metrics());

describe('LedgerMetrics', () => {
  describe('counting a command', () => {
    it('labels a 201 created and a 200 unchanged, and hands the outcome back', async () => {
      const metrics = new LedgerMetrics();
      await expect(metrics.observeCommand('give-consent', async () => ({ status: 201 }))).resolves.toEqual({ status: 201 });
      await metrics.observeCommand('give-consent', async () => ({ status: 200 }));
      await metrics.observeCommand('give-consent', async () => ({ status: 200 }));

      const scraped = await scrape(metrics);
      expect(valueOf(scraped, 'ledger_commands_total', { command: 'give-consent', outcome: 'created' })).toBe(1);
      expect(valueOf(scraped, 'ledger_commands_total', { command: 'give-consent', outcome: 'unchanged' })).toBe(2);
    });

    it.each([
      ['a rule refusal', new LedgerError('consent-not-active', 'no'), 'refused', 'consent-not-active'],
      ['a conflict', new LedgerError('concurrent-modification', 'again'), 'refused', 'concurrent-modification'],
      ['an outage reported as a ledger error', new LedgerError('store-unavailable', 'down'), 'failed', 'store-unavailable'],
      ['a store outage', new StoreUnavailableError('disk full'), 'failed', 'store-unavailable'],
      ['anything else', new TypeError('undefined is not a function'), 'failed', 'internal-error'],
    ])('labels %s and rethrows it', async (_what, error, outcome, code) => {
      const metrics = new LedgerMetrics();
      await expect(
        metrics.observeCommand('record-transfer', async () => {
          throw error;
        }),
      ).rejects.toBe(error);
      expect(valueOf(await scrape(metrics), 'ledger_commands_total', { command: 'record-transfer', outcome, code })).toBe(1);
    });
  });

  it('counts appended events by type', async () => {
    const metrics = new LedgerMetrics();
    metrics.eventsAppended([{ type: 'consent-withdrawn' }, { type: 'deletion-requested' }]);
    metrics.eventsAppended([{ type: 'deletion-requested' }]);
    const scraped = await scrape(metrics);
    expect(valueOf(scraped, 'ledger_events_appended_total', { type: 'consent-withdrawn' })).toBe(1);
    expect(valueOf(scraped, 'ledger_events_appended_total', { type: 'deletion-requested' })).toBe(2);
  });

  it('times requests by status class, an unmatched route under one label', async () => {
    const metrics = new LedgerMetrics();
    metrics.requestServed('GET', '/v1/deletions', 200, 0.004);
    metrics.requestServed('GET', '/v1/deletions', 204, 0.2);
    metrics.requestServed('GET', undefined, 404, 0.001);
    metrics.requestServed('POST', '/v1/deletions', 503, 3);
    const scraped = await scrape(metrics);
    const histogram = (suffix: string, labels: Record<string, string>) => valueOf(scraped, `ledger_http_request_duration_seconds_${suffix}`, labels);
    expect(histogram('count', { method: 'GET', route: '/v1/deletions', status_class: '2xx' })).toBe(2);
    expect(histogram('bucket', { method: 'GET', route: '/v1/deletions', status_class: '2xx', le: '0.005' })).toBe(1);
    expect(histogram('sum', { method: 'GET', route: '/v1/deletions', status_class: '2xx' })).toBeCloseTo(0.204);
    expect(histogram('count', { method: 'GET', route: 'unmatched', status_class: '4xx' })).toBe(1);
    expect(histogram('bucket', { method: 'POST', route: '/v1/deletions', status_class: '5xx', le: '2.5' })).toBe(0);
  });

  it('keeps each instance in a registry of its own', async () => {
    const first = new LedgerMetrics();
    const second = new LedgerMetrics();
    first.eventsAppended([{ type: 'consent-given' }]);
    expect(valueOf(await scrape(first), 'ledger_events_appended_total', { type: 'consent-given' })).toBe(1);
    expect(valueOf(await scrape(second), 'ledger_events_appended_total', { type: 'consent-given' })).toBeUndefined();
  });
});
