import { afterEach, describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { createLedgerApp } from '../../src/app.factory.js';
import { parseConfig } from '../../src/config/ledger-config.js';
import { READ_STORE, type ReadStore } from '../../src/read-store/read-store.port.js';
import {
  E2E_ADMIN_KEY,
  e2eAdminKeyEntry,
  mongoFor,
  newDataDir,
  removeDataDir,
  startLedger,
  type RunningLedger,
} from '../support/ledger-app.js';
import { TEST_PROJECTOR_WORKER } from '../support/projector-worker.js';
import { eventually, lastPosition } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath } from '../support/requests.js';

/**
 * Every JSON line the apps of this file log. nestjs-pino keeps one request logger per
 * process, so every app here is started with this same stream; tests pick their own lines
 * by request id, or by where the capture stood when they began.
 */
const captured: string[] = [];
const logStream = new Writable({
  write(chunk: Buffer, _encoding, done) {
    captured.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((line) => line !== ''),
    );
    done();
  },
});

interface LogLine {
  level: string;
  time: string;
  msg: string;
  requestId?: string;
  req?: { method: string; url: string };
  res?: { statusCode: number };
  route?: string | null;
  responseTime?: number;
  [field: string]: unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('structured logs', () => {
  const ledgers: RunningLedger[] = [];
  afterEach(async () => {
    for (const ledger of ledgers.splice(0)) {
      await ledger.close();
      removeDataDir(ledger.dataDir);
    }
  });

  const start = async (env: Record<string, string> = {}) => {
    const ledger = await startLedger({ logStream, env });
    ledgers.push(ledger);
    return ledger;
  };

  /** The request lines (one per finished request: completed, or failed for a 5xx) logged for this request id. */
  const requestLines = (requestId: string): LogLine[] =>
    captured
      .map((line) => JSON.parse(line) as LogLine)
      .filter((line) => line.requestId === requestId && (line.msg === 'request completed' || line.msg === 'request failed'));

  it('writes one JSON line per request: its id, method, path, route pattern, status and time', async () => {
    const ledger = await start();
    const tenant = newTenant();
    const subject = newSubject();
    const answer = await ledger.post(`${subjectPath(tenant, subject)}/consents`, consentBody());
    expect(answer.status).toBe(201);
    const requestId = answer.headers.get('x-request-id') ?? '';
    expect(requestId).toMatch(UUID);

    const lines = requestLines(requestId);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      requestId,
      req: { method: 'POST', url: `/v1/tenants/${tenant}/subjects/${subject}/consents` },
      route: '/v1/tenants/:tenantId/subjects/:subjectId/consents',
      res: { statusCode: 201 },
      responseTime: expect.any(Number),
      msg: 'request completed',
    });
    expect(Object.keys(lines[0]!.req!).sort()).toEqual(['method', 'url']);
    // Every captured line is one JSON object.
    for (const line of captured) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('logs failed requests too, an unknown route with no pattern', async () => {
    const ledger = await start();
    const answer = await ledger.get('/v1/no-such-route');
    expect(answer.status).toBe(404);
    const [line] = requestLines(answer.headers.get('x-request-id') ?? '');
    expect(line).toMatchObject({ level: 'info', req: { method: 'GET', url: '/v1/no-such-route' }, route: null, res: { statusCode: 404 } });
  });

  it('logs successful probes and scrapes at debug, below the default level, and a failing probe at error', async () => {
    const dataDir = newDataDir();
    const app = await createLedgerApp({
      projectorWorker: TEST_PROJECTOR_WORKER,
      config: parseConfig({
        ...mongoFor(dataDir),
        LEDGER_DATA_DIR: dataDir,
        PORT: '0',
        HOST: '127.0.0.1',
        LEDGER_API_KEYS: JSON.stringify([e2eAdminKeyEntry]),
      }),
      logger: false,
      logStream,
    });
    try {
      await app.listen(0, '127.0.0.1');
      const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      const get = (path: string) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${E2E_ADMIN_KEY}` } });
      const ready = await eventually(
        () => get('/health/ready'),
        (answer) => answer.status === 200,
        5000,
      );
      const routine = [await get('/health/live'), ready, await get('/metrics')];
      expect(routine.map((answer) => answer.status)).toEqual([200, 200, 200]);
      for (const answer of routine) expect(requestLines(answer.headers.get('x-request-id') ?? '')).toEqual([]);
      // Another request of the same app is logged: the routine ones were left out on purpose.
      expect(requestLines((await get('/v1/deletions')).headers.get('x-request-id') ?? '')).toHaveLength(1);

      await app.get<ReadStore>(READ_STORE).close();
      const failing = await get('/health/ready');
      expect(failing.status).toBe(503);
      expect(requestLines(failing.headers.get('x-request-id') ?? '')).toMatchObject([
        { level: 'error', msg: 'request failed', route: '/health/ready', res: { statusCode: 503 } },
      ]);
    } finally {
      await app.close();
      removeDataDir(dataDir);
    }
  });

  describe('the request id', () => {
    it('is taken from a plain X-Request-Id, echoed, and becomes the correlation id of the events', async () => {
      const ledger = await start();
      const path = subjectPath(newTenant(), newSubject());
      const answer = await ledger.post(`${path}/consents`, consentBody(), { 'x-request-id': 'gw-2026.03:abc_123' });
      expect(answer.status).toBe(201);
      expect(answer.headers.get('x-request-id')).toBe('gw-2026.03:abc_123');
      expect(requestLines('gw-2026.03:abc_123')).toHaveLength(1);

      const [event] = await ledger.auditEvents();
      expect(event.metadata.correlationId).toBe('gw-2026.03:abc_123');
    });

    it('is generated when none is given, and is then the correlation id too', async () => {
      const ledger = await start();
      const answer = await ledger.post(`${subjectPath(newTenant(), newSubject())}/consents`, consentBody());
      const requestId = answer.headers.get('x-request-id') ?? '';
      expect(requestId).toMatch(UUID);
      const [event] = await ledger.auditEvents();
      expect(event.metadata.correlationId).toBe(requestId);
    });

    it('leaves the correlation id to X-Correlation-Id when the caller sends one', async () => {
      const ledger = await start();
      const answer = await ledger.post(`${subjectPath(newTenant(), newSubject())}/consents`, consentBody(), {
        'x-request-id': 'req-7',
        'x-correlation-id': 'signup-flow-42',
      });
      expect(answer.headers.get('x-request-id')).toBe('req-7');
      const [event] = await ledger.auditEvents();
      expect(event.metadata.correlationId).toBe('signup-flow-42');
    });

    it.each([
      ['an e-mail address', 'asha@example.com'],
      ['spaces', 'my request'],
      ['a quote', 'id"}'],
      ['129 characters', 'a'.repeat(129)],
    ])('is replaced by a fresh UUID when X-Request-Id holds %s', async (_what, given) => {
      const ledger = await start();
      const answer = await ledger.get('/v1/deletions', { 'x-request-id': given });
      expect(answer.status).toBe(200);
      const requestId = answer.headers.get('x-request-id') ?? '';
      expect(requestId).toMatch(UUID);
      expect(requestLines(requestId)).toHaveLength(1);
      expect(captured.join('\n')).not.toContain(given);
    });
  });

  it('never logs an e-mail address, an IP address, an API key, a cookie, a body or a query string', async () => {
    const apiKey = 'sk-test-4f9a1c2e7b';
    // A real key of the ledger's, so the requests it signs go all the way through.
    const ledger = await start({
      LEDGER_API_KEYS: JSON.stringify([e2eAdminKeyEntry, { name: 'log-test', role: 'admin', tenants: ['*'], key: apiKey }]),
    });
    const from = captured.length;
    const secrets = {
      contact: 'asha.rao@example.com',
      ipAddress: '203.0.113.77',
      apiKey,
      cookie: 'session=c00k1e-s3cr3t',
      query: 'notify=ravi.k@example.org',
      agent: 'Mozilla/5.0 (SecretAgent)',
    };
    const path = subjectPath(newTenant(), newSubject());
    const headers = { authorization: `Bearer ${secrets.apiKey}`, cookie: secrets.cookie };
    const answers = [
      // Accepted: the evidence is stored (sealed) and the 201 goes back.
      await ledger.post(
        `${path}/consents?${secrets.query}`,
        consentBody({ evidence: { ipAddress: secrets.ipAddress, userAgent: secrets.agent, contact: secrets.contact } }),
        headers,
      ),
      // Refused: the problem+json names the field.
      await ledger.post(
        `${path}/consents`,
        consentBody({ evidence: { ipAddress: secrets.ipAddress, contact: secrets.contact, shoeSize: 44 } }),
        headers,
      ),
      // Not even JSON: the parser's error quotes the start of the body back to the caller.
      await ledger.post(`${path}/consents`, `{"evidence":{"contact":"${secrets.contact}","ipAddress":"${secrets.ipAddress}"`, headers),
    ];
    // A read whose answer holds the personal data in clear, and one whose query is refused.
    answers.push(await ledger.get(`${path}/history?atLeast=${lastPosition(answers[0]!)}`, headers));
    answers.push(await ledger.get(`${path}?${secrets.query}`, headers));
    expect(answers.map((a) => a.status)).toEqual([201, 400, 400, 200, 400]);
    expect(answers[3]!.text).toContain(secrets.contact);

    const logged = captured.slice(from);
    // The lines were written: one per request, each with its id...
    for (const answer of answers) expect(requestLines(answer.headers.get('x-request-id') ?? '')).toHaveLength(1);
    // ...and none holds any of it.
    const text = logged.join('\n');
    for (const [what, secret] of Object.entries(secrets)) expect({ what, logged: text.includes(secret) }).toEqual({ what, logged: false });
    for (const fragment of ['example.com', '203.0.113', 'sk-test', 'Bearer', 'c00k1e', 'notify=', 'atLeast']) {
      expect({ fragment, logged: text.includes(fragment) }).toEqual({ fragment, logged: false });
    }
  });
});
