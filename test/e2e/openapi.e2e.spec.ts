import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { isPublicRoute } from '../../src/access/route-access.js';
import { removeDataDir, startLedger, type RunningLedger } from '../support/ledger-app.js';
import { caughtUp, eventIds } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';

/**
 * GET /openapi.json describes every route the app serves, and /docs shows it with assets
 * the app serves itself. Routes are taken from Fastify as they are registered, so a new
 * controller without a description fails here.
 */
interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  security?: Record<string, string[]>[];
  responses: Record<string, { description: string; content?: Record<string, { schema?: unknown }> }>;
}
type Document = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { type: string; scheme?: string }> };
  security: Record<string, string[]>[];
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const PROBLEM = 'application/problem+json';

/** The documentation's own routes: not part of the API it describes. */
const isDocumentationRoute = (url: string): boolean => url === '/openapi.json' || url === '/docs' || url.startsWith('/docs/');

const operationsOf = (document: Document): { method: string; path: string; operation: Operation }[] =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method] !== undefined).map((method) => ({ method, path, operation: item[method]! })),
  );

/** Every `$ref` anywhere in the document. */
const refsIn = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => (key === '$ref' && typeof child === 'string' ? [child] : refsIn(child)));
};

describe('OpenAPI description', () => {
  let ledger: RunningLedger;
  const routes: { method: string; url: string }[] = [];
  let document: Document;

  beforeAll(async () => {
    ledger = await startLedger({
      beforeListen: (app) => {
        // Controllers' routes are registered when the app starts listening, after this hook.
        app
          .getHttpAdapter()
          .getInstance()
          .addHook('onRoute', (route) => {
            for (const method of [route.method].flat()) routes.push({ method: method.toLowerCase(), url: route.url });
          });
      },
    });
    const answer = await ledger.get<Document>('/openapi.json');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('application/json');
    document = answer.body;
  });
  afterAll(async () => {
    await ledger.close();
    removeDataDir(ledger.dataDir);
  });

  it('is an OpenAPI 3 document with a title, a version and paths', () => {
    expect(document.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(document.info.title).toEqual(expect.any(String));
    expect(document.info.version).toEqual(expect.any(String));
    expect(Object.keys(document.paths).length).toBeGreaterThan(20);
    for (const path of Object.keys(document.paths)) expect(path).toMatch(/^\//);
  });

  it('describes every route the app registers, and no route it does not', () => {
    const served = routes
      .filter((route) => route.method !== 'head' && route.method !== 'options' && !isDocumentationRoute(route.url))
      .map((route) => `${route.method.toUpperCase()} ${route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
    const described = operationsOf(document).map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(served.length).toBeGreaterThan(20);
    expect([...new Set(described)].sort()).toEqual([...new Set(served)].sort());
  });

  it('names, tags and summarises every operation, with unique operation ids', () => {
    const operations = operationsOf(document);
    for (const { operation } of operations) {
      expect(operation.operationId).toMatch(/^[a-z][A-Za-z]+$/);
      expect(operation.summary).toEqual(expect.any(String));
      expect(operation.tags?.length).toBeGreaterThan(0);
    }
    expect(new Set(operations.map(({ operation }) => operation.operationId)).size).toBe(operations.length);
  });

  it('declares each path parameter of each operation as a required path parameter', () => {
    for (const { path, operation } of operationsOf(document)) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      const declared = (operation.parameters ?? []).filter((p) => p.in === 'path');
      expect(declared.map((p) => p.name).sort()).toEqual(inPath.sort());
      for (const parameter of declared) expect(parameter.required).toBe(true);
    }
  });

  it('gives every operation a success answer with a media type, and its problems as problem+json of the shared Problem schema', () => {
    for (const { method, path, operation } of operationsOf(document)) {
      const statuses = Object.keys(operation.responses);
      const successes = statuses.filter((status) => status.startsWith('2'));
      expect(successes.length).toBeGreaterThan(0);
      for (const status of successes) expect(Object.keys(operation.responses[status]!.content ?? {}).length).toBeGreaterThan(0);
      const problems = statuses.filter((status) => /^[45]/.test(status));
      // Rate limiting guards every route, and access control every route but the public ones
      // (which say they need no key); a store can be down under any of them.
      expect(problems).toEqual(expect.arrayContaining(['429', '503']));
      if (isPublicRoute(path)) {
        expect(operation.security).toEqual([]);
        expect(problems).not.toEqual(expect.arrayContaining(['401']));
      } else {
        expect(operation.security).toBeUndefined();
        expect(problems).toEqual(expect.arrayContaining(['401', '403']));
      }
      for (const status of problems) {
        expect(operation.responses[status]!.content?.[PROBLEM]?.schema).toEqual({ $ref: '#/components/schemas/Problem' });
      }
      if (method === 'post') expect(problems).toEqual(expect.arrayContaining(['400', '409', '413', '415', '422']));
      if ((operation.parameters ?? []).some((p) => p.in === 'query') || operation.requestBody) expect(problems).toContain('400');
    }
  });

  it('describes the Problem of RFC 9457 with the field errors', () => {
    expect(document.components.schemas['Problem']).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['type', 'title', 'status', 'detail', 'code']),
      properties: {
        type: { type: 'string' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string' },
        code: { type: 'string' },
        errors: { type: 'array', items: { $ref: '#/components/schemas/FieldError' } },
      },
    });
  });

  it('resolves every $ref to a schema of the document', () => {
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(document.components.schemas[ref.replace('#/components/schemas/', '')]).toBeDefined();
    }
  });

  it('requires a bearer API key on every operation', () => {
    expect(document.components.securitySchemes['bearer']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.security).toEqual([{ bearer: [] }]);
  });

  it('takes the catalogue ids, patterns and lengths from the DTOs, and refuses unknown body fields', () => {
    const schemas = document.components.schemas as Record<string, { properties: Record<string, any>; additionalProperties?: boolean }>;
    expect(schemas['Purpose']).toMatchObject({ type: 'string', enum: expect.arrayContaining(['crm-access', 'advertising-cookies']) });
    expect(schemas['DataCategory']).toMatchObject({ enum: expect.arrayContaining(['pii.name', 'npii.pages-viewed']) });
    expect(schemas['RecordTransfer']!.properties['country']).toMatchObject({ pattern: '^[A-Z]{2}$' });
    expect(schemas['RecordTransfer']!.properties['occurredAt']).toMatchObject({ format: 'date-time' });
    expect(schemas['Recipient']!.properties['name']).toMatchObject({ maxLength: 200 });
    for (const body of ['GiveConsent', 'ConsentEvidence', 'RecordTransfer', 'Recipient', 'PublishPolicy', 'SendPolicyNotice']) {
      expect(schemas[body]!.additionalProperties).toBe(false);
    }
  });

  it('offers text/csv on the reads that answer CSV, and the audit stream as NDJSON or Server-Sent Events', () => {
    const csv = operationsOf(document)
      .filter(({ operation }) => operation.responses['200']?.content?.['text/csv'] !== undefined)
      .map(({ path }) => path)
      .sort();
    expect(csv).toEqual(
      [
        '/v1/tenants/{tenantId}/policies',
        '/v1/tenants/{tenantId}/policies/{version}/notices',
        '/v1/tenants/{tenantId}/processing-record',
        '/v1/tenants/{tenantId}/re-consent',
        '/v1/tenants/{tenantId}/subjects/{subjectId}/export',
        '/v1/tenants/{tenantId}/subjects/{subjectId}/history',
        '/v1/tenants/{tenantId}/transfers',
      ].sort(),
    );
    expect(Object.keys(document.paths['/v1/audit/events']!['get']!.responses['200']!.content!)).toEqual([
      'application/x-ndjson',
      'text/event-stream',
    ]);
  });

  describe('against the real answers', () => {
    const tenant = newTenant();
    const subject = newSubject();
    const values: Record<string, string> = { tenantId: tenant, subjectId: subject, version: '2026-04' };

    beforeAll(async () => {
      const path = subjectPath(tenant, subject);
      const published = await ledger.post(`/v1/tenants/${tenant}/policies`, {
        version: '2026-04',
        effectiveFrom: '2026-01-01T00:00:00Z',
        material: true,
        url: 'https://example.com/privacy/2026-04',
        textSha256: 'a'.repeat(64),
      });
      expect(published.status).toBe(201);
      const consent = await ledger.post(`${path}/consents`, consentBody({ policyVersion: '2026-04' }));
      expect(consent.status).toBe(201);
      values['eventId'] = eventIds(consent)[0]!;
      expect((await ledger.post(`${path}/transfers`, transferBody())).status).toBe(201);
      await caughtUp(ledger);
    });

    /** Every GET whose query parameters are all optional, with its path filled in. */
    const reads = () =>
      operationsOf(document)
        .filter(({ method, operation }) => method === 'get' && !(operation.parameters ?? []).some((p) => p.in === 'query' && p.required))
        .map(({ path, operation }) => ({ url: path.replace(/\{([^}]+)\}/g, (_, name: string) => values[name] ?? name), operation }));

    it('answers each read with a status and a media type the description lists', async () => {
      const checked = reads();
      expect(checked.length).toBeGreaterThan(15);
      for (const { url, operation } of checked) {
        const answer = await ledger.get(url);
        const documented = operation.responses[String(answer.status)];
        expect({ url, status: answer.status, documented: documented !== undefined }).toEqual({
          url,
          status: answer.status,
          documented: true,
        });
        const type = answer.headers.get('content-type')?.split(';')[0];
        expect({ url, type, listed: Object.keys(documented!.content ?? {}) }).toEqual({
          url,
          type,
          listed: expect.arrayContaining([type]),
        });
      }
    });

    it('answers text/csv where the description offers it', async () => {
      const csvReads = reads().filter(({ operation }) => operation.responses['200']?.content?.['text/csv'] !== undefined);
      expect(csvReads.length).toBe(7);
      for (const { url } of csvReads) {
        const answer = await ledger.get(url, { accept: 'text/csv' });
        expect({ url, status: answer.status, type: answer.headers.get('content-type') }).toEqual({
          url,
          status: 200,
          type: expect.stringContaining('text/csv'),
        });
      }
    });
  });

  describe('GET /docs', () => {
    it('answers Swagger UI whose scripts and styles all load from the app itself', async () => {
      const page = await ledger.get('/docs');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.text).toContain('swagger-ui');
      const assets = [...page.text.matchAll(/<(?:script|link)[^>]+(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
      expect(assets.length).toBeGreaterThanOrEqual(7);
      for (const asset of assets) {
        const url = new URL(asset, `${ledger.url}/docs`);
        // No CDN: every asset comes from this server.
        expect(url.origin).toBe(ledger.url);
        const answer = await ledger.get(url.pathname);
        expect({ asset, status: answer.status }).toEqual({ asset, status: 200 });
        expect(answer.text.length).toBeGreaterThan(0);
      }
    });

    it('loads this document from /openapi.json, with no inline script', async () => {
      const page = await ledger.get('/docs');
      expect(page.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      const init = await ledger.get('/docs/swagger-ui-init.js');
      expect(init.status).toBe(200);
      expect(init.headers.get('content-type')).toContain('javascript');
      expect(init.text).toContain('SwaggerUIBundle(');
      expect(init.text).toContain('url: "/openapi.json"');
    });

    it('serves no other file of the Swagger UI package', async () => {
      for (const path of ['/docs/package.json', '/docs/index.html', '/docs/swagger-ui-bundle.js.map', '/docs/..%2Fpackage.json']) {
        const answer = await ledger.get(path);
        expect({ path, status: answer.status }).toEqual({ path, status: 404 });
      }
    });
  });
});
