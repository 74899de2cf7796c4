import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { E2E_ADMIN_KEY, e2eAdminKeyEntry, removeDataDir, startLedger, type RunningLedger } from '../support/ledger-app.js';
import { consentBody, newSubject, newTenant, subjectPath } from '../support/requests.js';

/** One raw HTTP exchange, for what fetch refuses to send (oversized headers) or hides. */
const rawGet = (url: string, headers: Record<string, string>) =>
  new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const request = httpRequest(`${url}/health`, { method: 'GET', headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.end();
  });

describe('abuse limits', () => {
  let ledger: RunningLedger | undefined;
  afterEach(async () => {
    await ledger?.close();
    if (ledger) removeDataDir(ledger.dataDir);
    ledger = undefined;
  });

  describe('the rate limit (LEDGER_RATE_LIMIT requests a minute)', () => {
    const SERVICE_KEY = 'svc-rate-0123456789abc';
    const keys = JSON.stringify([e2eAdminKeyEntry, { name: 'busy-service', role: 'service', tenants: ['*'], key: SERVICE_KEY }]);

    it('answers 429 problem+json with Retry-After once a key has used its budget, and writes nothing', async () => {
      ledger = await startLedger({ env: { LEDGER_API_KEYS: keys, LEDGER_RATE_LIMIT: '5' } });
      const service = ledger.as(SERVICE_KEY);
      const path = subjectPath(newTenant(), newSubject());
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(await service.get(path));
      expect(answers.map((a) => a.status)).toEqual([404, 404, 404, 404, 404]);
      expect(answers[0]?.headers.get('x-ratelimit-limit')).toBe('5');

      const limited = await service.post(`${path}/consents`, consentBody());
      expect(limited.status).toBe(429);
      expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(limited.body).toMatchObject({ status: 429, code: 'rate-limited' });
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.headers.get('x-content-type-options')).toBe('nosniff');

      // The budget is per key: the admin key still has its own.
      expect((await ledger.get(path)).status).toBe(404);
      expect((await ledger.auditEvents()).filter((e) => e.streamId.includes(path.split('/')[3]!))).toEqual([]);
    });

    it('counts requests without a known key per client address, so guessing keys is limited too', async () => {
      ledger = await startLedger({ env: { LEDGER_API_KEYS: keys, LEDGER_RATE_LIMIT: '3' } });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await ledger.as(`guess-${i}-0123456789abcdef`).get('/v1/deletions')).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      expect((await ledger.as(null).get('/v1/deletions')).status).toBe(429);
      expect((await ledger.get('/v1/deletions')).status).toBe(200);
    });

    it('gives each key 600,000 requests a minute when LEDGER_RATE_LIMIT is not set, above what one instance serves', async () => {
      ledger = await startLedger({ env: { LEDGER_API_KEYS: keys } });
      const first = await ledger.as(SERVICE_KEY).get(subjectPath(newTenant(), newSubject()));
      expect(first.status).toBe(404);
      expect(first.headers.get('x-ratelimit-limit')).toBe('600000');
      expect(first.headers.get('x-ratelimit-remaining')).toBe('599999');
    });

    it('is off with LEDGER_RATE_LIMIT=0', async () => {
      ledger = await startLedger({ env: { LEDGER_RATE_LIMIT: '0' } });
      const answer = await ledger.get('/health');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-ratelimit-limit')).toBeNull();
    });
  });

  describe('security headers and CORS', () => {
    it('sends helmet headers with a same-origin CSP and no CORS headers by default', async () => {
      ledger = await startLedger();
      for (const answer of [await ledger.get('/health'), await ledger.as(null).get('/health'), await ledger.get('/no/such/route')]) {
        expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
        expect(answer.headers.get('x-frame-options')).toBe('SAMEORIGIN');
        expect(answer.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
        expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
        const csp = answer.headers.get('content-security-policy') ?? '';
        expect(csp).toContain("default-src 'self'");
        expect(csp).toContain("script-src 'self'");
        expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).not.toContain('upgrade-insecure-requests');
        expect(answer.headers.get('access-control-allow-origin')).toBeNull();
      }
      const preflight = await fetch(`${ledger.url}/v1/deletions`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('allows exactly the configured origins when LEDGER_CORS_ORIGINS is set', async () => {
      ledger = await startLedger({ env: { LEDGER_CORS_ORIGINS: 'https://ops.example.com' } });
      const allowed = await ledger.get('/v1/deletions', { origin: 'https://ops.example.com' });
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://ops.example.com');
      const preflight = await fetch(`${ledger.url}/v1/deletions`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://ops.example.com',
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://ops.example.com');
      expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');

      const other = await ledger.get('/v1/deletions', { origin: 'https://evil.example' });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('size and time limits', () => {
    it('answers a 20 KiB header with 431 problem+json', async () => {
      ledger = await startLedger();
      const answer = await rawGet(ledger.url, { authorization: `Bearer ${E2E_ADMIN_KEY}`, 'x-padding': 'p'.repeat(20 * 1024) });
      expect(answer.status).toBe(431);
      expect(answer.headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(answer.body)).toMatchObject({ status: 431, code: 'headers-too-large' });
      // Just under the limit is fine.
      expect((await rawGet(ledger.url, { authorization: `Bearer ${E2E_ADMIN_KEY}`, 'x-padding': 'p'.repeat(12 * 1024) })).status).toBe(200);
    });

    it('answers a body over 64 KiB with 413, even before looking at the key', async () => {
      ledger = await startLedger();
      const path = subjectPath(newTenant(), newSubject());
      const big = consentBody({ evidence: { ipAddress: '203.0.113.7', userAgent: 'u'.repeat(70 * 1024), contact: 'a@example.com' } });
      const answer = await ledger.post(`${path}/consents`, big);
      expect(answer.status).toBe(413);
      expect(answer.body).toMatchObject({ code: 'payload-too-large' });
    });

    it('answers 408 problem+json to a request that does not arrive within LEDGER_REQUEST_TIMEOUT_MS', async () => {
      ledger = await startLedger({ env: { LEDGER_REQUEST_TIMEOUT_MS: '1000' } });
      const { port } = new URL(ledger.url);
      const started = Date.now();
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.write('GET /health HTTP/1.1\r\nHost: x\r\n'));
        let text = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => (text += chunk));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
        setTimeout(() => socket.destroy(), 15_000).unref();
      });
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer).toContain('application/problem+json');
      expect(answer).toContain('"code":"request-timeout"');
      expect(Date.now() - started).toBeLessThan(10_000);
    });
  });
});

describe('logs', () => {
  const SERVICE_KEY = 'svc-logged-0123456789abcdef';
  const WRONG_KEY = 'svc-logged-0123456789abcdeX';
  const lines: string[] = [];
  const capture =
    (level: string) =>
    (...args: unknown[]) => {
      lines.push(
        `${level} ${args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`,
      );
    };
  const logger = {
    log: capture('log'),
    error: capture('error'),
    warn: capture('warn'),
    debug: capture('debug'),
    verbose: capture('verbose'),
    fatal: capture('fatal'),
  };
  let ledger: RunningLedger;

  beforeAll(async () => {
    ledger = await startLedger({
      logger,
      env: {
        LEDGER_API_KEYS: JSON.stringify([
          e2eAdminKeyEntry,
          { name: 'logged-service', role: 'service', tenants: ['acme'], key: SERVICE_KEY },
        ]),
        LEDGER_RATE_LIMIT: '8',
      },
    });
  });
  afterAll(async () => {
    await ledger.close();
    removeDataDir(ledger.dataDir);
  });

  it('name keys and never show one, whatever the request did', async () => {
    const service = ledger.as(SERVICE_KEY);
    const path = subjectPath('acme', newSubject());
    expect((await service.post(`${path}/consents`, consentBody())).status).toBe(201);
    expect((await service.post(`${path}/consents`, '{"purposes": [')).status).toBe(400);
    expect((await service.get('/v1/audit/events')).status).toBe(403);
    expect((await service.get(subjectPath('globex', newSubject()))).status).toBe(403);
    expect((await ledger.as(WRONG_KEY).get(path)).status).toBe(401);
    expect((await ledger.get(path, { authorization: `Basic ${SERVICE_KEY}` })).status).toBe(401);
    for (let i = 0; i < 4; i++) await service.get(path);
    expect((await service.get(path)).status).toBe(429);

    const all = lines.join('\n');
    expect(all).toContain('key "logged-service" (service)');
    expect(all).toContain('refused a request without a known API key');
    expect(all).toContain('reached by key:logged-service');
    for (const secret of [SERVICE_KEY, WRONG_KEY, E2E_ADMIN_KEY, SERVICE_KEY.slice(0, 16)]) expect(all).not.toContain(secret);
  });
});
