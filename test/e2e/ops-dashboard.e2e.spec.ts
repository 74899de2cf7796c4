import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { removeDataDir, startLedger, type HttpAnswer, type RunningLedger } from '../support/ledger-app.js';
import { e2eAdminKeyEntry } from '../support/ledger-app.js';
import { caughtUp, type HealthAnswer } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath } from '../support/requests.js';
import { TestClock } from '../support/test-clock.js';

/**
 * GET /ops, the ops dashboard, driven in headless Chromium against a running ledger: the
 * figures on the page must be the API's own. CI installs Debian's chromium (.ci/run); a
 * machine without it fails here, loudly, rather than skipping the browser tests.
 */

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const SCREENSHOT = fileURLToPath(new URL('../../test-output/ops-dashboard.png', import.meta.url));
const KEY = 'ops-test-key-7f3a';
const SYSTEMS = ['crm', 'call-recordings', 'analytics', 'backups'];
/** Long enough for a browser on a busy CI machine, a few refreshes of 5 s included. */
const BROWSER_TEST_MS = 120_000;

/** The page's bucket edges in hours (lower inclusive, upper exclusive), stated again independently. */
const BUCKETS: [string, number][] = [
  ['< 1 day', 24],
  ['1–3 days', 72],
  ['3–7 days', 168],
  ['7–14 days', 336],
  ['14–30 days', 720],
  ['≥ 30 days', Infinity],
];

const expectStatus = (answer: HttpAnswer, status = 201): HttpAnswer => {
  if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${answer.text}`);
  return answer;
};

/**
 * Two tenants, 30-day deadlines, four systems; the page is read at 2026-04-20T00:00Z.
 *
 * | name | tenant | requested  | confirmations                                   | at 04-20                   |
 * |------|--------|------------|-------------------------------------------------|----------------------------|
 * | c1   | A      | 03-01 00:00| all four by 03-01 20:00                         | completed on time, 20 h    |
 * | c2   | A      | 03-02 00:00| all four by 03-04 00:00                         | completed on time, 48 h    |
 * | c3   | B      | 03-03 00:00| all four by 03-08 00:00                         | completed on time, 120 h   |
 * | c4   | B      | 03-05 00:00| all four by 03-15 00:00                         | completed on time, 240 h   |
 * | late | A      | 03-01 00:00| three by 03-10, backups 04-05 00:00 (due 03-31)  | completed late, 840 h      |
 * | o1   | A      | 03-06 00:00| crm                                             | overdue (due 04-05)        |
 * | o2   | B      | 03-12 00:00| none                                            | overdue (due 04-11)        |
 * | p1   | A      | 04-01 00:00| backups, analytics                              | open (due 05-01)           |
 * | p2   | B      | 04-15 00:00| none                                            | open                       |
 * | p3   | B      | 04-18 00:00| none (all consent withdrawn)                     | open                       |
 *
 * Grievances: one lodged 03-01 and never resolved (overdue), one lodged 04-10 and resolved
 * 04-12 (on time), one lodged 04-15 (open).
 */
const seed = async (ledger: RunningLedger, clock: TestClock) => {
  const tenantA = newTenant();
  const tenantB = newTenant();
  const path = (tenant: string) => subjectPath(tenant, newSubject());
  const request = async (p: string, occurredAt: string) => expectStatus(await ledger.post(`${p}/deletion-requests`, { occurredAt }));
  const confirm = async (p: string, system: string, occurredAt: string) =>
    expectStatus(await ledger.post(`${p}/deletion-completions`, { system, occurredAt }));
  const confirmAll = async (p: string, times: string[]) => {
    for (const [index, system] of SYSTEMS.entries()) await confirm(p, system, times[index]!);
  };

  clock.set('2026-03-20T00:00:00.000Z');
  const c1 = path(tenantA);
  await request(c1, '2026-03-01T00:00:00Z');
  await confirmAll(c1, ['2026-03-01T06:00:00Z', '2026-03-01T12:00:00Z', '2026-03-01T18:00:00Z', '2026-03-01T20:00:00Z']);
  const c2 = path(tenantA);
  await request(c2, '2026-03-02T00:00:00Z');
  await confirmAll(c2, ['2026-03-02T10:00:00Z', '2026-03-03T00:00:00Z', '2026-03-03T08:00:00Z', '2026-03-04T00:00:00Z']);
  const c3 = path(tenantB);
  await request(c3, '2026-03-03T00:00:00Z');
  await confirmAll(c3, ['2026-03-04T00:00:00Z', '2026-03-05T00:00:00Z', '2026-03-06T00:00:00Z', '2026-03-08T00:00:00Z']);
  const c4 = path(tenantB);
  await request(c4, '2026-03-05T00:00:00Z');
  await confirmAll(c4, ['2026-03-06T00:00:00Z', '2026-03-09T00:00:00Z', '2026-03-12T00:00:00Z', '2026-03-15T00:00:00Z']);
  const late = path(tenantA);
  await request(late, '2026-03-01T00:00:00Z');
  for (const system of ['crm', 'call-recordings', 'analytics']) await confirm(late, system, '2026-03-10T00:00:00Z');
  const o1 = path(tenantA);
  await request(o1, '2026-03-06T00:00:00Z');
  await confirm(o1, 'crm', '2026-03-07T00:00:00Z');
  const o2 = path(tenantB);
  await request(o2, '2026-03-12T00:00:00Z');
  const lodge = async (p: string, receivedAt: string) =>
    expectStatus(await ledger.post(`${p}/grievances`, { category: 'erasure', channel: 'email', receivedAt })).body.grievanceId as string;
  await lodge(path(tenantA), '2026-03-01T09:00:00Z');

  // The last confirmation of `late` comes after its deadline: move the clock there first.
  clock.set('2026-04-20T00:00:00.000Z');
  await confirm(late, 'backups', '2026-04-05T00:00:00Z');
  const p1 = path(tenantA);
  await request(p1, '2026-04-01T00:00:00Z');
  await confirm(p1, 'backups', '2026-04-02T00:00:00Z');
  await confirm(p1, 'analytics', '2026-04-03T00:00:00Z');
  await request(path(tenantB), '2026-04-15T00:00:00Z');
  const p3 = path(tenantB);
  expectStatus(await ledger.post(`${p3}/consents`, consentBody({ occurredAt: '2026-04-17T00:00:00Z' })));
  expectStatus(await ledger.post(`${p3}/consents/withdrawals`, { channel: 'web', occurredAt: '2026-04-18T00:00:00Z' }));
  const resolvedPath = path(tenantB);
  const resolved = await lodge(resolvedPath, '2026-04-10T09:00:00Z');
  expectStatus(
    await ledger.post(`${resolvedPath}/grievances/${resolved}/resolution`, { outcome: 'upheld', resolvedAt: '2026-04-12T09:00:00Z' }),
  );
  await lodge(path(tenantA), '2026-04-15T09:00:00Z');

  await caughtUp(ledger);
};

/** The page's number format (en-US grouping, at most 2 decimals). */
const count = (n: number): string => n.toLocaleString('en-US');
const hoursText = (h: number | null): string => (h === null ? '—' : `${h.toLocaleString('en-US', { maximumFractionDigits: 2 })} h`);

const text = async (page: Page, selector: string): Promise<string> => ((await page.locator(selector).textContent()) ?? '').trim();

const cells = async (page: Page, table: string): Promise<string[][]> =>
  page
    .locator(`${table} tbody tr`)
    .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].map((cell) => (cell.textContent ?? '').trim())));

const enterKey = async (page: Page, key = KEY): Promise<void> => {
  await page.getByLabel('API key', { exact: true }).fill(key);
  await page.getByRole('button', { name: 'Show dashboard' }).click();
};

const waitForState = async (page: Page, state: 'ready' | 'key', timeout = 30_000): Promise<void> => {
  await page.waitForSelector(`body[data-state="${state}"]`, { timeout });
};

describe('ops dashboard: GET /ops', () => {
  describe('its files', () => {
    let ledger: RunningLedger;

    beforeAll(async () => {
      ledger = await startLedger();
    });
    afterAll(async () => {
      await ledger.close();
      removeDataDir(ledger.dataDir);
    });

    it('serves the page, its one script and its one stylesheet from the app, under a CSP that allows only its own origin', async () => {
      const page = await ledger.get('/ops');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'self';/);
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');

      const scripts = [...page.text.matchAll(/<script\b[^>]*>/g)].map(([tag]) => tag);
      expect(scripts).toEqual(['<script type="module" src="/ops/dashboard.js">']);
      expect([...page.text.matchAll(/<link\b[^>]*>/g)].map(([tag]) => tag)).toEqual(['<link rel="stylesheet" href="/ops/dashboard.css">']);
      // Nothing inline that `default-src 'self'` would block: no style element or attribute, no handler.
      expect(page.text).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=|https?:\/\//i);

      const script = await ledger.get('/ops/dashboard.js');
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(script.text).toContain('sessionStorage.getItem(KEY_STORAGE)');
      const style = await ledger.get('/ops/dashboard.css');
      expect(style.status).toBe(200);
      expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
      expect(style.text).toContain('.chart .bar');
    });

    it.each(['/ops/index.html', '/ops/../package.json', '/ops/dashboard.js.map', '/ops/%2e%2e/package.json'])(
      'answers 404 problem+json for %s',
      async (path) => {
        const answer = await ledger.get(path);
        expect(answer.status).toBe(404);
        expect(answer.headers.get('content-type')).toContain('application/problem+json');
        expect(answer.body).toMatchObject({ status: 404, code: 'not-found' });
      },
    );
  });

  describe('in headless Chromium', () => {
    let browser: Browser;
    let ledger: RunningLedger;
    let clock: TestClock;
    let context: BrowserContext;
    let page: Page;
    /** Console errors and uncaught exceptions: a CSP violation shows up here. */
    let problems: string[];
    /** The Authorization header of every API call the page made. */
    let apiAuthorizations: string[];

    beforeAll(async () => {
      if (!existsSync(CHROMIUM)) {
        throw new Error(
          `Chromium is not installed at ${CHROMIUM}: the ops dashboard's browser tests need it. ` +
            `Install Debian's package (apt-get update && apt-get install -y chromium; .ci/run does this), ` +
            `or set CHROMIUM_PATH to a Chromium binary.`,
        );
      }
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
    });

    beforeEach(async () => {
      clock = new TestClock('2026-03-01T00:00:00.000Z');
      // The page signs in with an ops key (the role ops users have); the test's own API reads use the admin key.
      const keys = [
        e2eAdminKeyEntry,
        { name: 'ops-dashboard', role: 'ops', tenants: ['*'], key: KEY },
        { name: 'ops-dashboard-second', role: 'ops', tenants: ['*'], key: 'second-ops-key-9c21' },
      ];
      ledger = await startLedger({
        clock,
        env: { LEDGER_ERASURE_SYSTEMS: SYSTEMS.join(','), LEDGER_ERASURE_DAYS: '30', LEDGER_API_KEYS: JSON.stringify(keys) },
      });
      context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      page = await context.newPage();
      problems = [];
      apiAuthorizations = [];
      page.on('console', (message) => {
        // Chromium asks for /favicon.ico by itself (the page names no icon): its 404 is not the page's.
        const source = message.location().url;
        if (message.type() === 'error' && !source.endsWith('/favicon.ico')) problems.push(`${message.text()} (${source})`);
      });
      page.on('pageerror', (error) => problems.push(String(error)));
      page.on('request', (request) => {
        const { pathname } = new URL(request.url());
        if (pathname.startsWith('/v1/') || pathname === '/health' || pathname === '/metrics')
          apiAuthorizations.push(request.headers()['authorization'] ?? '(none)');
      });
    });
    afterEach(async () => {
      await context?.close();
      await ledger.close();
      removeDataDir(ledger.dataDir);
    });

    it(
      'asks for the key once, then shows the figures the API gives, with charts and tables, and keeps the key for the session',
      async () => {
        await seed(ledger, clock);
        await page.goto(`${ledger.url}/ops`);
        await waitForState(page, 'key');
        expect(await page.getByRole('heading', { name: 'Enter your ops API key' }).isVisible()).toBe(true);
        expect(await page.locator('#dashboard').isHidden()).toBe(true);

        await enterKey(page);
        await waitForState(page, 'ready');

        const summary = (await ledger.get('/v1/deletions/summary')).body;
        const overdue = (await ledger.get('/v1/deletions?state=overdue')).body;
        const completed = (await ledger.get('/v1/deletions?state=completed&limit=1000')).body;
        const grievances = (await ledger.get('/v1/grievances/summary')).body;
        const health = (await ledger.get<HealthAnswer>('/health')).body;

        // The seed is what the table above says (so the comparisons below compare real figures).
        expect(summary).toEqual({
          open: 3,
          overdue: 2,
          completed: 5,
          completedOnTime: 4,
          p50HoursToComplete: 120,
          p95HoursToComplete: 840,
          pendingBySystem: { crm: 4, 'call-recordings': 5, analytics: 4, backups: 4 },
        });

        // Tiles.
        expect(await text(page, '#erasures-open')).toBe(count(summary.open));
        expect(await text(page, '#erasures-overdue')).toBe(count(summary.overdue));
        expect(await text(page, '#erasures-on-time')).toBe(count(summary.completedOnTime));
        expect(await text(page, '#erasures-completed')).toBe(`of ${count(summary.completed)} completed (80%)`);
        expect(await text(page, '#erasures-p50')).toBe(hoursText(summary.p50HoursToComplete));
        expect(await text(page, '#erasures-p95')).toBe(hoursText(summary.p95HoursToComplete));
        expect(await page.locator('#erasures-overdue-tile').getAttribute('class')).toContain('alarm');

        // Pending per system: the chart's accessible name and its visible labels carry the numbers.
        const pendingEntries = Object.entries(summary.pendingBySystem as Record<string, number>);
        const pendingChart = page.getByRole('img', { name: /^Pending erasures per system:/ });
        expect(await pendingChart.getAttribute('aria-label')).toBe(
          `Pending erasures per system: ${pendingEntries.map(([system, n]) => `${system} ${n}`).join(', ')}`,
        );
        expect(await page.locator('#pending-chart text.axis-label').allTextContents()).toEqual(pendingEntries.map(([system]) => system));
        expect(await page.locator('#pending-chart text.value').allTextContents()).toEqual(pendingEntries.map(([, n]) => count(n)));
        const barWidths = await page
          .locator('#pending-chart rect.bar')
          .evaluateAll((bars) => bars.map((bar) => Number(bar.getAttribute('width'))));
        expect(barWidths).toHaveLength(4);
        expect(Math.max(...barWidths)).toBe(barWidths[1]); // call-recordings lags most

        // Histogram: buckets of the API's completed erasures.
        expect(completed.nextCursor).toBeNull();
        const expectedBuckets = BUCKETS.map(([label, below], index) => {
          const above = index === 0 ? -Infinity : BUCKETS[index - 1]![1];
          return [
            label,
            completed.deletions.filter((d: { hoursToComplete: number }) => d.hoursToComplete >= above && d.hoursToComplete < below).length,
          ] as const;
        });
        expect(expectedBuckets.map(([, n]) => n)).toEqual([1, 1, 1, 1, 0, 1]);
        const histogram = page.getByRole('img', { name: /^Completed erasures by time to complete:/ });
        expect(await histogram.getAttribute('aria-label')).toBe(
          `Completed erasures by time to complete: ${expectedBuckets.map(([label, n]) => `${label} ${n}`).join(', ')}`,
        );
        expect(await page.locator('#completion-chart text.value').allTextContents()).toEqual(expectedBuckets.map(([, n]) => count(n)));

        // The overdue list, row for row.
        const overdueTable = page.getByRole('table', { name: 'Overdue erasures, oldest request first' });
        expect(await overdueTable.getByRole('columnheader').allTextContents()).toEqual([
          'Tenant',
          'Subject',
          'Requested',
          'Due',
          'Age',
          'Pending systems',
        ]);
        expect(overdue.deletions).toHaveLength(2);
        expect(await cells(page, '#overdue-table')).toEqual(
          overdue.deletions.map(
            (d: {
              tenantId: string;
              subjectId: string;
              requestedAt: string;
              dueAt: string;
              ageHours: number;
              pendingSystems: string[];
            }) => [
              d.tenantId,
              d.subjectId,
              `${d.requestedAt.slice(0, 10)} ${d.requestedAt.slice(11, 16)}`,
              `${d.dueAt.slice(0, 10)} ${d.dueAt.slice(11, 16)}`,
              `${(Math.floor((d.ageHours / 24) * 10) / 10).toLocaleString('en-US')} d`,
              d.pendingSystems.join(', '),
            ],
          ),
        );
        // o1 was requested 2026-03-06, 45 days before the clock; o2 has every system pending.
        expect((await cells(page, '#overdue-table')).map((row) => [row[4], row[5]])).toEqual([
          ['45 d', 'call-recordings, analytics, backups'],
          ['39 d', 'crm, call-recordings, analytics, backups'],
        ]);

        // Grievances.
        expect(grievances).toMatchObject({ open: 1, overdue: 1, resolved: 1, resolvedOnTime: 1 });
        expect(await text(page, '#grievances-open')).toBe(count(grievances.open));
        expect(await text(page, '#grievances-overdue')).toBe(count(grievances.overdue));
        expect(await text(page, '#grievances-on-time')).toBe(count(grievances.resolvedOnTime));
        expect(await text(page, '#grievances-resolved')).toBe(`of ${count(grievances.resolved)} resolved (100%)`);
        expect(grievances).toMatchObject({ p50HoursToResolve: 48, p95HoursToResolve: 48 });
        expect(await text(page, '#grievances-p50')).toBe(hoursText(grievances.p50HoursToResolve));
        expect(await text(page, '#grievances-p95')).toBe(hoursText(grievances.p95HoursToResolve));

        // Each projection's lag, as /health says.
        expect(
          await page
            .getByRole('table', { name: /projection's state and lag/ })
            .getByRole('columnheader')
            .allTextContents(),
        ).toEqual(['Projection', 'State', 'Position', 'Lag (events)']);
        expect(health.projections.length).toBeGreaterThan(3);
        expect(await cells(page, '#projections-table')).toEqual(
          health.projections.map((p) => [p.name, p.state, count(p.position), count(p.lag)]),
        );
        expect(await text(page, '#event-store-note')).toBe(`Event log head: position ${count(health.eventStore.lastPosition)} · status ok`);

        // Headings for every part; "updated at" visible; the key went with every API call.
        expect(await page.getByRole('heading', { level: 2 }).allTextContents()).toEqual([
          'Erasures',
          'Pending erasures per system',
          'Time to complete',
          'Overdue erasures',
          'Grievances',
          'Webhooks',
          'Read models',
        ]);
        // No subscription here: the webhook tiles count none, read from /metrics with the key.
        expect(await text(page, '#webhooks-failing')).toBe('0');
        expect(await text(page, '#webhooks-failing-note')).toBe('of 0 subscriptions');
        expect(await text(page, '#webhooks-dead')).toBe('0');
        expect(await text(page, '#updated-at')).toMatch(/^Updated at \d\d:\d\d:\d\d UTC$/);
        expect(apiAuthorizations.length).toBeGreaterThanOrEqual(5);
        expect(new Set(apiAuthorizations)).toEqual(new Set([`Bearer ${KEY}`]));

        mkdirSync(dirname(SCREENSHOT), { recursive: true });
        await page.screenshot({ path: SCREENSHOT, fullPage: true });

        // Reloading the tab keeps the key (sessionStorage); "Forget key" drops it.
        await page.reload();
        await waitForState(page, 'ready');
        expect(await page.locator('#key-panel').isHidden()).toBe(true);
        await page.getByRole('button', { name: 'Forget key' }).click();
        await waitForState(page, 'key');
        expect(await page.evaluate('sessionStorage.length')).toBe(0);
        expect(await page.locator('#dashboard').isHidden()).toBe(true);

        expect(problems).toEqual([]);
      },
      BROWSER_TEST_MS,
    );

    it(
      'refreshes on its own: a clock past a deadline moves an erasure from open to overdue without a reload; a failing read shows a warning and keeps the figures',
      async () => {
        const path = subjectPath(newTenant(), newSubject());
        clock.set('2026-03-01T00:00:00.000Z');
        expectStatus(await ledger.post(`${path}/deletion-requests`, { occurredAt: '2026-03-01T00:00:00Z' }));
        await caughtUp(ledger);
        await page.goto(`${ledger.url}/ops`);
        await enterKey(page);
        await waitForState(page, 'ready');
        expect([await text(page, '#erasures-open'), await text(page, '#erasures-overdue')]).toEqual(['1', '0']);
        expect(await cells(page, '#overdue-table')).toEqual([['No erasure is overdue.']]);
        const firstUpdate = await text(page, '#updated-at');

        clock.set('2026-04-01T00:00:00.000Z'); // due 03-31
        await page.locator('#erasures-overdue').filter({ hasText: /^1$/ }).waitFor({ timeout: 20_000 });
        expect(await text(page, '#erasures-open')).toBe('0');
        expect(await cells(page, '#overdue-table')).toHaveLength(1);
        expect(await text(page, '#updated-at')).not.toBe(firstUpdate);

        await page.route('**/v1/grievances/summary*', (route) =>
          route.fulfill({
            status: 503,
            contentType: 'application/problem+json',
            body: JSON.stringify({
              type: 'urn:privacy-ledger:problem:store-unavailable',
              title: 'A store is unavailable',
              status: 503,
              detail: 'A store is unavailable; retry shortly.',
              code: 'store-unavailable',
            }),
          }),
        );
        await page.waitForSelector('#message.warning:not([hidden])', { timeout: 20_000 });
        expect(await text(page, '#message')).toMatch(
          /^Could not refresh \(\/v1\/grievances\/summary answered 503: A store is unavailable; retry shortly\.\); showing the figures from \d\d:\d\d:\d\d UTC\. Retrying in 5 s\.$/,
        );
        expect(await text(page, '#erasures-overdue')).toBe('1');
        expect(await page.locator('#dashboard').isVisible()).toBe(true);

        await page.unroute('**/v1/grievances/summary*');
        await page.waitForSelector('#message[hidden]', { state: 'attached', timeout: 20_000 });
        expect(problems.filter((p) => !p.includes('503'))).toEqual([]);
      },
      BROWSER_TEST_MS,
    );

    it.each([
      [401, /^The ledger did not accept this key \(401: The key is not known\)\. Enter a valid ops key\.$/],
      [403, /^This key may not read the dashboard \(403: The key is not known\)\. Enter a key with the ops or admin role\.$/],
    ])(
      'answered %i, says so clearly, forgets the key and asks for it again; a good key then shows the dashboard',
      async (status, message) => {
        await page.goto(`${ledger.url}/ops`);
        await enterKey(page, KEY);
        await waitForState(page, 'ready');
        // An empty ledger: zeros, no percentiles, nothing overdue.
        expect([await text(page, '#erasures-open'), await text(page, '#erasures-p50'), await text(page, '#erasures-completed')]).toEqual([
          '0',
          '—',
          'no erasure completed yet',
        ]);

        // The key is revoked mid-session (a configuration change on a restart): the answer is staged.
        await page.route('**/v1/deletions/summary*', (route) =>
          route.fulfill({
            status,
            contentType: 'application/problem+json',
            body: JSON.stringify({
              type: 'urn:privacy-ledger:problem:unauthorized',
              title: 'Unauthorized',
              status,
              detail: 'The key is not known.',
              code: 'unauthorized',
            }),
          }),
        );
        await waitForState(page, 'key', 20_000);
        expect(await page.getByRole('alert').textContent()).toMatch(message);
        expect(await page.getByRole('heading', { name: 'Enter your ops API key' }).isVisible()).toBe(true);
        expect(await page.locator('#dashboard').isHidden()).toBe(true);
        expect(await page.evaluate('sessionStorage.length')).toBe(0);
        expect(await page.evaluate('document.activeElement?.id')).toBe('api-key');
        if (status === 401) {
          mkdirSync(dirname(SCREENSHOT), { recursive: true });
          await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-key-refused.png') });
        }

        await page.unroute('**/v1/deletions/summary*');
        await enterKey(page, 'second-ops-key-9c21');
        await waitForState(page, 'ready');
        expect(await page.getByRole('alert', { includeHidden: true }).isHidden()).toBe(true);
        expect(apiAuthorizations.at(-1)).toBe('Bearer second-ops-key-9c21');
        expect(problems.filter((p) => !p.includes(String(status)))).toEqual([]);
      },
      BROWSER_TEST_MS,
    );
  });
});
