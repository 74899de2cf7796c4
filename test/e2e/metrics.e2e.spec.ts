import { afterEach, describe, expect, it } from '@jest/globals';
import { PROJECTIONS } from '../../src/app.projections.js';
import { removeDataDir, startLedger, type HttpAnswer, type RunningLedger } from '../support/ledger-app.js';
import { parseMetrics, samples, valueOf, type Sample } from '../support/prometheus.js';
import { eventually, lastPosition } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';
import { TestClock } from '../support/test-clock.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const ENV = { LEDGER_ERASURE_SYSTEMS: 'crm,backups', LEDGER_ERASURE_DAYS: '10' };
const CONSENTS_ROUTE = '/v1/tenants/:tenantId/subjects/:subjectId/consents';

describe('GET /metrics', () => {
  const ledgers: RunningLedger[] = [];
  afterEach(async () => {
    for (const ledger of ledgers.splice(0)) {
      await ledger.close();
      removeDataDir(ledger.dataDir);
    }
  });

  const start = async (clock = new TestClock('2026-03-01T00:00:00.000Z')) => {
    const ledger = await startLedger({ clock, env: ENV });
    ledgers.push(ledger);
    return ledger;
  };

  const scrape = async (ledger: RunningLedger): Promise<Sample[]> => {
    const answer = await ledger.get('/metrics');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseMetrics(answer.text);
  };

  const expectStatus = (answer: HttpAnswer, status: number): HttpAnswer => {
    expect({ status: answer.status, body: answer.body }).toMatchObject({ status });
    return answer;
  };

  it('counts commands by type and outcome, refusals by code, and the events appended by type', async () => {
    const ledger = await start();
    const tenant = newTenant();
    const [asha, ravi] = [newSubject(), newSubject()];
    const asha_ = subjectPath(tenant, asha);
    const ravi_ = subjectPath(tenant, ravi);

    expectStatus(await ledger.post(`${asha_}/consents`, consentBody()), 201);
    expectStatus(await ledger.post(`${asha_}/consents`, consentBody()), 200);
    expectStatus(await ledger.post(`${asha_}/transfers`, transferBody()), 201);
    expectStatus(await ledger.post(`${asha_}/consents/withdrawals`, { purposes: ['call-analytics'] }), 409);
    expectStatus(await ledger.post(`${asha_}/consents/withdrawals`, {}), 201);
    expectStatus(await ledger.post(`${asha_}/transfers`, transferBody()), 409);
    expectStatus(await ledger.post(`${ravi_}/deletion-requests`, {}), 201);
    expectStatus(await ledger.post(`${ravi_}/deletion-requests`, {}), 409);
    expectStatus(await ledger.post(`${ravi_}/deletion-completions`, { system: 'tape-archive' }), 422);
    // Refused by the DTO before any command is built: not a command outcome.
    expectStatus(await ledger.post(`${ravi_}/consents`, consentBody({ channel: 'carrier-pigeon' })), 400);

    const metrics = await scrape(ledger);
    const commands = (labels: Record<string, string>) => valueOf(metrics, 'ledger_commands_total', labels);
    expect(commands({ command: 'give-consent', outcome: 'created' })).toBe(1);
    expect(commands({ command: 'give-consent', outcome: 'unchanged' })).toBe(1);
    expect(commands({ command: 'record-transfer', outcome: 'created' })).toBe(1);
    expect(commands({ command: 'record-transfer', outcome: 'refused', code: 'consent-not-active' })).toBe(1);
    expect(commands({ command: 'withdraw-consent', outcome: 'refused', code: 'consent-not-active' })).toBe(1);
    expect(commands({ command: 'withdraw-consent', outcome: 'created' })).toBe(1);
    expect(commands({ command: 'request-erasure', outcome: 'created' })).toBe(1);
    expect(commands({ command: 'request-erasure', outcome: 'refused', code: 'erasure-already-open' })).toBe(1);
    expect(commands({ command: 'confirm-erasure', outcome: 'refused', code: 'unknown-system' })).toBe(1);
    expect(samples(metrics, 'ledger_commands_total').reduce((sum, s) => sum + s.value, 0)).toBe(9);
    expect(samples(metrics, 'ledger_commands_total', { outcome: 'failed' })).toEqual([]);

    // The full withdrawal wrote consent-withdrawn and deletion-requested.
    expect(valueOf(metrics, 'ledger_events_appended_total', { type: 'consent-given' })).toBe(1);
    expect(valueOf(metrics, 'ledger_events_appended_total', { type: 'data-transferred' })).toBe(1);
    expect(valueOf(metrics, 'ledger_events_appended_total', { type: 'consent-withdrawn' })).toBe(1);
    expect(valueOf(metrics, 'ledger_events_appended_total', { type: 'deletion-requested' })).toBe(2);
    const appended = samples(metrics, 'ledger_events_appended_total').reduce((sum, s) => sum + s.value, 0);
    expect(appended).toBe(valueOf(metrics, 'ledger_event_store_last_position'));
  });

  it('counts an idempotent retry as its first answer, but its events only once', async () => {
    const ledger = await start();
    const path = subjectPath(newTenant(), newSubject());
    for (let i = 0; i < 2; i++) expectStatus(await ledger.post(`${path}/consents`, consentBody(), { 'idempotency-key': 'signup-1' }), 201);

    const metrics = await scrape(ledger);
    expect(valueOf(metrics, 'ledger_commands_total', { command: 'give-consent', outcome: 'created' })).toBe(2);
    expect(valueOf(metrics, 'ledger_events_appended_total', { type: 'consent-given' })).toBe(1);
  });

  it("counts the write path's state cache: hits, misses and evictions", async () => {
    const ledger = await startLedger({ env: { ...ENV, LEDGER_STATE_CACHE_SUBJECTS: '1' } });
    ledgers.push(ledger);
    const tenant = newTenant();
    const [asha, ravi] = [subjectPath(tenant, newSubject()), subjectPath(tenant, newSubject())];

    expectStatus(await ledger.post(`${asha}/consents`, consentBody()), 201); // miss
    expectStatus(await ledger.post(`${asha}/transfers`, transferBody()), 201); // hit
    expectStatus(await ledger.post(`${ravi}/consents`, consentBody()), 201); // miss, evicts asha
    expectStatus(await ledger.post(`${asha}/transfers`, transferBody()), 201); // miss, evicts ravi

    const metrics = await scrape(ledger);
    expect(valueOf(metrics, 'ledger_state_cache_hits_total')).toBe(1);
    expect(valueOf(metrics, 'ledger_state_cache_misses_total')).toBe(3);
    expect(valueOf(metrics, 'ledger_state_cache_evictions_total')).toBe(2);
  });

  it('times requests by route pattern and status class, never by the URL with its ids', async () => {
    const ledger = await start();
    const tenant = newTenant();
    const subject = newSubject();
    const path = subjectPath(tenant, subject);
    expectStatus(await ledger.post(`${path}/consents`, consentBody()), 201);
    expectStatus(await ledger.post(`${path}/consents`, consentBody()), 200);
    expectStatus(await ledger.post(`${path}/consents`, consentBody({ purposes: ['mind-reading'] })), 400);
    expectStatus(await ledger.get(`${path}?atLeast=1`), 200);
    expectStatus(await ledger.get(`/v1/no-such-route/${subject}`), 404);

    const answer = await ledger.get('/metrics');
    const metrics = parseMetrics(answer.text);
    const count = (labels: Record<string, string>) => valueOf(metrics, 'ledger_http_request_duration_seconds_count', labels);
    expect(count({ method: 'POST', route: CONSENTS_ROUTE, status_class: '2xx' })).toBe(2);
    expect(count({ method: 'POST', route: CONSENTS_ROUTE, status_class: '4xx' })).toBe(1);
    expect(count({ method: 'GET', route: '/v1/tenants/:tenantId/subjects/:subjectId', status_class: '2xx' })).toBe(1);
    expect(count({ method: 'GET', route: 'unmatched', status_class: '4xx' })).toBe(1);
    // Every sample falls in the +Inf bucket, and the sum of the latencies is positive.
    expect(
      valueOf(metrics, 'ledger_http_request_duration_seconds_bucket', {
        method: 'POST',
        route: CONSENTS_ROUTE,
        status_class: '2xx',
        le: '+Inf',
      }),
    ).toBe(2);
    expect(
      valueOf(metrics, 'ledger_http_request_duration_seconds_sum', { method: 'POST', route: CONSENTS_ROUTE, status_class: '2xx' }),
    ).toBeGreaterThan(0);
    expect(answer.text).not.toContain(tenant);
    expect(answer.text).not.toContain(subject);
  });

  it('shows every projection position and lag, the lag reaching 0 once the read models caught up', async () => {
    const ledger = await start();
    const path = subjectPath(newTenant(), newSubject());
    const last = lastPosition(expectStatus(await ledger.post(`${path}/consents`, consentBody()), 201));

    const allCaughtUp = (metrics: Sample[]) => {
      const lags = samples(metrics, 'ledger_projection_lag');
      return lags.length > 0 && lags.every((s) => s.value === 0);
    };
    const metrics = await eventually(() => scrape(ledger), allCaughtUp, 5000);
    expect(allCaughtUp(metrics)).toBe(true);
    const names = PROJECTIONS.map((p) => p.name).sort();
    expect(
      samples(metrics, 'ledger_projection_lag')
        .map((s) => s.labels['projection'])
        .sort(),
    ).toEqual(names);
    expect(
      samples(metrics, 'ledger_projection_position')
        .map((s) => s.labels['projection'])
        .sort(),
    ).toEqual(names);
    for (const projection of names) {
      expect({ projection, lag: valueOf(metrics, 'ledger_projection_lag', { projection }) }).toEqual({ projection, lag: 0 });
      expect(valueOf(metrics, 'ledger_projection_position', { projection })).toBe(last);
      expect(valueOf(metrics, 'ledger_projection_state', { projection, state: 'running' })).toBe(1);
      expect(valueOf(metrics, 'ledger_projection_state', { projection, state: 'failed' })).toBe(0);
    }
    expect(valueOf(metrics, 'ledger_event_store_last_position')).toBe(last);
  });

  it('has erasure gauges that match GET /v1/deletions/summary, and shows an erasure overdue once the clock passes its deadline', async () => {
    const clock = new TestClock('2026-03-01T00:00:00.000Z');
    const ledger = await start(clock);
    const tenant = newTenant();
    const [early, confirmed, late] = [newSubject(), newSubject(), newSubject()].map((s) => subjectPath(tenant, s)) as [
      string,
      string,
      string,
    ];
    let at = 0;
    const post = async (path: string, body: unknown) => {
      at = lastPosition(expectStatus(await ledger.post(path, body), 201));
    };
    await post(`${early}/deletion-requests`, { occurredAt: '2026-02-25T00:00:00Z' }); // due 03-07
    await post(`${confirmed}/deletion-requests`, { occurredAt: '2026-02-26T00:00:00Z' }); // due 03-08
    await post(`${confirmed}/deletion-completions`, { system: 'crm' });
    await post(`${late}/deletion-requests`, { occurredAt: '2026-03-01T00:00:00Z' }); // due 03-11

    const compare = async () => {
      const summary = (await ledger.get(`/v1/deletions/summary?atLeast=${at}`)).body;
      const metrics = await scrape(ledger);
      return {
        summary: { open: summary.open, overdue: summary.overdue, pending: summary.pendingBySystem },
        gauges: {
          open: valueOf(metrics, 'ledger_erasures', { state: 'open' }),
          overdue: valueOf(metrics, 'ledger_erasures', { state: 'overdue' }),
          pending: {
            crm: valueOf(metrics, 'ledger_erasures_pending', { system: 'crm' }),
            backups: valueOf(metrics, 'ledger_erasures_pending', { system: 'backups' }),
          },
        },
      };
    };

    const before = await compare();
    expect(before.summary).toEqual({ open: 3, overdue: 0, pending: { crm: 2, backups: 3 } });
    expect(before.gauges).toEqual(before.summary);

    // 2026-03-07T12:00Z: the first erasure is past its deadline, the others are not yet.
    clock.advance(6.5 * DAY_MS);
    const after = await compare();
    expect(after.summary).toEqual({ open: 2, overdue: 1, pending: { crm: 2, backups: 3 } });
    expect(after.gauges).toEqual(after.summary);
  });

  it('has grievance gauges that match GET /v1/grievances/summary, overdue judged at scrape time', async () => {
    const clock = new TestClock('2026-03-01T00:00:00.000Z');
    const ledger = await start(clock);
    const tenant = newTenant();
    const lodge = async (receivedAt: string) =>
      lastPosition(
        expectStatus(
          await ledger.post(`${subjectPath(tenant, newSubject())}/grievances`, { category: 'consent', channel: 'email', receivedAt }),
          201,
        ),
      );
    await lodge('2026-02-10T00:00:00Z'); // due 03-10
    const at = await lodge('2026-02-27T00:00:00Z'); // due 03-27

    clock.set('2026-03-15T00:00:00.000Z');
    const summary = (await ledger.get(`/v1/grievances/summary?atLeast=${at}`)).body;
    const metrics = await scrape(ledger);
    expect({ open: summary.open, overdue: summary.overdue }).toEqual({ open: 1, overdue: 1 });
    expect({
      open: valueOf(metrics, 'ledger_grievances', { state: 'open' }),
      overdue: valueOf(metrics, 'ledger_grievances', { state: 'overdue' }),
    }).toEqual({
      open: 1,
      overdue: 1,
    });
  });

  it("exposes Node's default metrics, in a registry of each app's own", async () => {
    const first = await start();
    expectStatus(await first.post(`${subjectPath(newTenant(), newSubject())}/consents`, consentBody()), 201);
    const second = await start();

    const [ofFirst, ofSecond] = [await scrape(first), await scrape(second)];
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect({ name, found: samples(ofSecond, name).length > 0 }).toEqual({ name, found: true });
    }
    expect(valueOf(ofFirst, 'ledger_commands_total', { command: 'give-consent', outcome: 'created' })).toBe(1);
    // The second app counts only its own commands.
    expect(samples(ofSecond, 'ledger_commands_total')).toEqual([]);
    // Each metric appears once per scrape: no second registration collides.
    const typeLines = (await second.get('/metrics')).text.split('\n').filter((line) => line.startsWith('# TYPE '));
    expect(new Set(typeLines).size).toBe(typeLines.length);
  });
});
