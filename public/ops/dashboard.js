// The ops dashboard: reads the ledger's JSON API with the user's key and redraws itself every
// few seconds. Plain browser JavaScript with no dependency, served from the ledger itself so
// that the page runs under `Content-Security-Policy: default-src 'self'`: no inline script or
// style anywhere (charts are SVG elements whose look comes from dashboard.css), and every
// value from the API is inserted as text, never as HTML.

const KEY_STORAGE = 'privacy-ledger.ops-api-key';
const REFRESH_MS = 5000;
/** The API's largest page: fewest round trips when reading every completed erasure. */
const PAGE_LIMIT = 1000;
/** Bounds the work of one refresh on a large ledger; the page says when it is reached. */
const MAX_COMPLETED_PAGES = 10;
const OVERDUE_LIMIT = 500;
const SVG_NS = 'http://www.w3.org/2000/svg';

/** Histogram buckets of hours to complete: lower bound inclusive, upper bound exclusive. */
const COMPLETION_BUCKETS = [
  { label: '< 1 day', below: 24 },
  { label: '1–3 days', below: 72 },
  { label: '3–7 days', below: 168 },
  { label: '7–14 days', below: 336 },
  { label: '14–30 days', below: 720 },
  { label: '≥ 30 days', below: Infinity },
];

const integer = new Intl.NumberFormat('en-US');
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

const $ = (id) => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element;
};

/** A 401 or 403: the key is wrong or may not read these routes; the user must enter one again. */
class KeyRefused extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

class ApiFailed extends Error {
  constructor(path, status, detail) {
    super(`${path.split('?')[0]} answered ${status}${detail ? `: ${detail}` : ''}`);
  }
}

const storedKey = () => sessionStorage.getItem(KEY_STORAGE);

const problemDetail = async (response) => {
  try {
    const body = await response.json();
    return typeof body?.detail === 'string' ? body.detail : '';
  } catch {
    return '';
  }
};

/** GET a JSON route with the key. `accept` lists non-2xx statuses whose body is still the answer. */
const getJson = async (path, accept = []) => {
  const response = await fetch(path, {
    headers: { authorization: `Bearer ${storedKey() ?? ''}`, accept: 'application/json' },
    cache: 'no-store',
  });
  if (response.status === 401 || response.status === 403) throw new KeyRefused(response.status, await problemDetail(response));
  if (!response.ok && !accept.includes(response.status)) throw new ApiFailed(path, response.status, await problemDetail(response));
  return response.json();
};

/** Every page of a list route, up to `maxPages`; `truncated` says whether more were left. */
const getPages = async (path, field, maxPages) => {
  const items = [];
  let cursor = null;
  for (let page = 0; page < maxPages; page++) {
    const separator = path.includes('?') ? '&' : '?';
    const body = await getJson(`${path}${separator}limit=${PAGE_LIMIT}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...body[field]);
    cursor = body.nextCursor;
    if (cursor === null) return { items, truncated: false };
  }
  return { items, truncated: true };
};

/** GET a text route with the key (the Prometheus metrics). */
const getText = async (path) => {
  const response = await fetch(path, { headers: { authorization: `Bearer ${storedKey() ?? ''}` }, cache: 'no-store' });
  if (response.status === 401 || response.status === 403) throw new KeyRefused(response.status, await problemDetail(response));
  if (!response.ok) throw new ApiFailed(path, response.status, await problemDetail(response));
  return response.text();
};

/** A delivery waiting longer than this makes its subscription count as failing. */
const WEBHOOK_LAG_ALARM_SECONDS = 3600;

/**
 * Per subscription, its dead letters and lag from the webhook gauges of /metrics (which an ops
 * key may read, across tenants): failing = any dead letter, or a delivery waiting over an hour.
 */
const webhookHealth = (metrics) => {
  const bySubscription = new Map();
  const line = /^(ledger_webhook_dead_letters|ledger_webhook_lag_seconds)\{subscription="([^"]+)"\} ([0-9.e+-]+)$/gm;
  for (const [, name, subscription, value] of metrics.matchAll(line)) {
    const entry = bySubscription.get(subscription) ?? { dead: 0, lag: 0 };
    entry[name === 'ledger_webhook_dead_letters' ? 'dead' : 'lag'] = Number(value);
    bySubscription.set(subscription, entry);
  }
  const entries = [...bySubscription.values()];
  return {
    subscriptions: entries.length,
    failing: entries.filter((e) => e.dead > 0 || e.lag > WEBHOOK_LAG_ALARM_SECONDS).length,
    deadLetters: entries.reduce((sum, e) => sum + e.dead, 0),
  };
};

const load = async () => {
  const [erasures, overdue, completed, grievances, health, metrics] = await Promise.all([
    getJson('/v1/deletions/summary'),
    getJson(`/v1/deletions?state=overdue&limit=${OVERDUE_LIMIT}`),
    getPages('/v1/deletions?state=completed', 'deletions', MAX_COMPLETED_PAGES),
    getJson('/v1/grievances/summary'),
    // /health answers 503 with the same body when a projection has stopped: show it.
    getJson('/health', [503]),
    getText('/metrics'),
  ]);
  return { erasures, overdue, completed, grievances, health, webhooks: webhookHealth(metrics) };
};

// ---- rendering -------------------------------------------------------------------------

const setText = (id, text) => {
  $(id).textContent = text;
};

const hours = (value) => (value === null || value === undefined ? '—' : `${decimal.format(value)} h`);

const percent = (part, whole) => `${Math.round((part / whole) * 100)}%`;

/** "2025-12-20T00:00:00.000Z" -> "2025-12-20 00:00" (UTC, as every time in the API). */
const utcMinute = (iso) => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;

const ageText = (ageHours) => `${decimal.format(Math.floor((ageHours / 24) * 10) / 10)} d`;

const flagNonZero = (tileId, count) => $(tileId).classList.toggle('alarm', count > 0);

const element = (tag, text, className) => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
};

const svgElement = (tag, attributes, text) => {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
};

/** An SVG whose accessible name carries every number, so the chart reads as text too. */
const chartSvg = (width, height, label) => {
  const svg = svgElement('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label });
  svg.append(svgElement('title', {}, label));
  return svg;
};

const spokenList = (title, entries) => `${title}: ${entries.map(([name, value]) => `${name} ${value}`).join(', ')}`;

/** Horizontal bars, one per system, longest = the largest count. */
const barChart = (entries, title) => {
  const rowHeight = 40;
  const labelWidth = 150;
  const barSpace = 300;
  const width = labelWidth + barSpace + 60;
  const height = Math.max(entries.length, 1) * rowHeight + 10;
  const svg = chartSvg(width, height, spokenList(title, entries));
  const max = Math.max(1, ...entries.map(([, value]) => value));
  entries.forEach(([name, value], index) => {
    const y = 5 + index * rowHeight;
    const group = svgElement('g', { class: 'bar-row' });
    const middle = y + rowHeight / 2;
    group.append(
      svgElement('text', { x: labelWidth - 10, y: middle, class: 'axis-label', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, name),
    );
    group.append(svgElement('rect', { x: labelWidth, y: y + 6, width: barSpace, height: rowHeight - 12, class: 'track', rx: 3 }));
    const barWidth = value === 0 ? 0 : Math.max(2, (value / max) * barSpace);
    group.append(svgElement('rect', { x: labelWidth, y: y + 6, width: barWidth, height: rowHeight - 12, class: 'bar', rx: 3 }));
    group.append(
      svgElement(
        'text',
        { x: labelWidth + barSpace + 10, y: middle, class: 'value', 'dominant-baseline': 'middle' },
        integer.format(value),
      ),
    );
    svg.append(group);
  });
  return svg;
};

/** Vertical bars over fixed buckets, counts above the bars, bucket names below. */
const histogram = (entries, title) => {
  const width = 510;
  const height = 230;
  const top = 24;
  const bottom = 34;
  const plot = height - top - bottom;
  const slot = width / entries.length;
  const svg = chartSvg(width, height, spokenList(title, entries));
  const max = Math.max(1, ...entries.map(([, value]) => value));
  svg.append(svgElement('line', { x1: 0, x2: width, y1: top + plot, y2: top + plot, class: 'baseline' }));
  entries.forEach(([name, value], index) => {
    const barHeight = value === 0 ? 0 : Math.max(2, (value / max) * plot);
    const x = index * slot + slot * 0.15;
    const group = svgElement('g', { class: 'bar-column' });
    group.append(svgElement('rect', { x, y: top + plot - barHeight, width: slot * 0.7, height: barHeight, class: 'bar', rx: 3 }));
    group.append(
      svgElement(
        'text',
        { x: index * slot + slot / 2, y: top + plot - barHeight - 6, class: 'value', 'text-anchor': 'middle' },
        integer.format(value),
      ),
    );
    group.append(svgElement('text', { x: index * slot + slot / 2, y: height - 12, class: 'axis-label', 'text-anchor': 'middle' }, name));
    svg.append(group);
  });
  return svg;
};

const completionBuckets = (deletions) => {
  const counts = COMPLETION_BUCKETS.map(() => 0);
  for (const { hoursToComplete } of deletions) {
    if (typeof hoursToComplete !== 'number') continue;
    const index = COMPLETION_BUCKETS.findIndex((bucket) => hoursToComplete < bucket.below);
    counts[index] += 1;
  }
  return COMPLETION_BUCKETS.map((bucket, index) => [bucket.label, counts[index]]);
};

const renderErasures = (summary) => {
  setText('erasures-open', integer.format(summary.open));
  setText('erasures-overdue', integer.format(summary.overdue));
  flagNonZero('erasures-overdue-tile', summary.overdue);
  setText('erasures-on-time', integer.format(summary.completedOnTime));
  setText(
    'erasures-completed',
    summary.completed === 0
      ? 'no erasure completed yet'
      : `of ${integer.format(summary.completed)} completed (${percent(summary.completedOnTime, summary.completed)})`,
  );
  setText('erasures-p50', hours(summary.p50HoursToComplete));
  setText('erasures-p95', hours(summary.p95HoursToComplete));
  const pending = Object.entries(summary.pendingBySystem);
  $('pending-chart').replaceChildren(
    pending.length === 0 ? element('p', 'No systems are configured.', 'muted') : barChart(pending, 'Pending erasures per system'),
  );
};

const renderHistogram = (completed, total) => {
  $('completion-chart').replaceChildren(histogram(completionBuckets(completed.items), 'Completed erasures by time to complete'));
  setText(
    'histogram-note',
    completed.truncated
      ? `Based on the ${integer.format(completed.items.length)} earliest-requested of ${integer.format(total)} completed erasures.`
      : 'Completed erasures by hours from request to the last confirmation.',
  );
};

const renderOverdue = (overdue, total) => {
  const rows = overdue.deletions.map((deletion) => {
    const row = document.createElement('tr');
    row.append(
      element('td', deletion.tenantId),
      element('td', deletion.subjectId, 'mono'),
      element('td', utcMinute(deletion.requestedAt)),
      element('td', utcMinute(deletion.dueAt)),
      element('td', ageText(deletion.ageHours), 'num'),
      element('td', deletion.pendingSystems.join(', ')),
    );
    return row;
  });
  if (rows.length === 0) {
    const cell = element('td', 'No erasure is overdue.', 'empty');
    cell.colSpan = 6;
    const row = document.createElement('tr');
    row.append(cell);
    rows.push(row);
  }
  $('overdue-table')
    .querySelector('tbody')
    .replaceChildren(...rows);
  setText(
    'overdue-note',
    overdue.nextCursor === null
      ? 'Oldest request first; age is the time since the request, in days.'
      : `Showing the ${integer.format(overdue.deletions.length)} oldest of ${integer.format(total)} overdue erasures.`,
  );
};

const renderGrievances = (summary) => {
  setText('grievances-open', integer.format(summary.open));
  setText('grievances-overdue', integer.format(summary.overdue));
  flagNonZero('grievances-overdue-tile', summary.overdue);
  setText('grievances-on-time', integer.format(summary.resolvedOnTime));
  setText(
    'grievances-resolved',
    summary.resolved === 0
      ? 'no grievance resolved yet'
      : `of ${integer.format(summary.resolved)} resolved (${percent(summary.resolvedOnTime, summary.resolved)})`,
  );
  setText('grievances-p50', hours(summary.p50HoursToResolve));
  setText('grievances-p95', hours(summary.p95HoursToResolve));
};

const renderHealth = (health) => {
  const rows = health.projections.map((projection) => {
    const row = document.createElement('tr');
    row.append(
      element('td', projection.name, 'mono'),
      element('td', projection.state, `state-${projection.state}`),
      element('td', integer.format(projection.position), 'num'),
      element('td', integer.format(projection.lag), projection.lag > 0 ? 'num lagging' : 'num'),
    );
    return row;
  });
  $('projections-table')
    .querySelector('tbody')
    .replaceChildren(...rows);
  setText('event-store-note', `Event log head: position ${integer.format(health.eventStore.lastPosition)} · status ${health.status}`);
};

const renderWebhooks = (webhooks) => {
  setText('webhooks-failing', integer.format(webhooks.failing));
  setText('webhooks-failing-note', `of ${integer.format(webhooks.subscriptions)} subscriptions`);
  flagNonZero('webhooks-failing-tile', webhooks.failing);
  setText('webhooks-dead', integer.format(webhooks.deadLetters));
  flagNonZero('webhooks-dead-tile', webhooks.deadLetters);
};

const render = (data) => {
  renderErasures(data.erasures);
  renderHistogram(data.completed, data.erasures.completed);
  renderOverdue(data.overdue, data.erasures.overdue);
  renderGrievances(data.grievances);
  renderHealth(data.health);
  renderWebhooks(data.webhooks);
};

// ---- the page's state: asking for a key, or showing and refreshing the figures -----------

let timer = null;
/** Bumped whenever the view changes hands, so an answer that arrives late is dropped. */
let generation = 0;
let lastUpdate = null;

const showMessage = (text, kind) => {
  const message = $('message');
  message.textContent = text;
  message.className = `message ${kind}`;
  message.hidden = text === '';
};

const stopRefreshing = () => {
  generation += 1;
  if (timer !== null) clearTimeout(timer);
  timer = null;
};

const askForKey = (message) => {
  stopRefreshing();
  sessionStorage.removeItem(KEY_STORAGE);
  document.body.dataset.state = 'key';
  $('dashboard').hidden = true;
  $('forget-key').hidden = true;
  $('key-panel').hidden = false;
  setText('updated-at', 'Not loaded yet');
  setText('refresh-note', '');
  showMessage(message, 'error');
  $('api-key').value = '';
  $('api-key').focus();
};

const refresh = async () => {
  const mine = generation;
  try {
    const data = await load();
    if (mine !== generation) return;
    render(data);
    lastUpdate = new Date();
    setText('updated-at', `Updated at ${lastUpdate.toISOString().slice(11, 19)} UTC`);
    setText('refresh-note', `· refreshes every ${REFRESH_MS / 1000} s`);
    showMessage('', 'error');
    document.body.dataset.state = 'ready';
  } catch (error) {
    if (mine !== generation) return;
    if (error instanceof KeyRefused) {
      const said = error.message ? `: ${error.message.replace(/\.$/, '')}` : '';
      askForKey(
        error.status === 401
          ? `The ledger did not accept this key (401${said}). Enter a valid ops key.`
          : `This key may not read the dashboard (403${said}). Enter a key with the ops or admin role.`,
      );
      return;
    }
    const since = lastUpdate ? `showing the figures from ${lastUpdate.toISOString().slice(11, 19)} UTC` : 'no figures yet';
    showMessage(`Could not refresh (${error.message}); ${since}. Retrying in ${REFRESH_MS / 1000} s.`, 'warning');
    if (document.body.dataset.state !== 'ready') document.body.dataset.state = 'error';
  }
  // The next refresh is planned after this one ends, so slow answers never pile up.
  if (mine === generation) timer = setTimeout(refresh, REFRESH_MS);
};

const showDashboard = () => {
  stopRefreshing();
  document.body.dataset.state = 'loading';
  $('key-panel').hidden = true;
  $('dashboard').hidden = false;
  $('forget-key').hidden = false;
  setText('updated-at', 'Loading…');
  void refresh();
};

const start = () => {
  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = $('api-key').value.trim();
    if (key === '') return;
    sessionStorage.setItem(KEY_STORAGE, key);
    $('api-key').value = '';
    showMessage('', 'error');
    showDashboard();
  });
  $('forget-key').addEventListener('click', () => askForKey(''));
  if (storedKey()) showDashboard();
  else askForKey('');
};

start();
