import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { removeDataDir, startLedger, type RunningLedger } from '../support/ledger-app.js';
import { consentBody, subjectPath, transferBody } from '../support/requests.js';

/**
 * api.md: bad input gets a clear 4xx problem naming the field, never a 5xx, and never
 * writes an event. Every row is sent to a subject that has consent (so a valid request
 * would be written), and the log must not move.
 */
const tenant = 'bad-input';
const subject = 'subject-1';
const base = subjectPath(tenant, subject);

interface Row {
  name: string;
  path: string;
  body: unknown;
  headers?: Record<string, string>;
  status: number;
  code: string;
  field?: string;
}

const huge = 'x'.repeat(70 * 1024);

const rows: Row[] = [
  {
    name: 'purposes is a string',
    path: '/consents',
    body: consentBody({ purposes: 'crm-access' }),
    status: 400,
    code: 'validation-failed',
    field: 'purposes',
  },
  {
    name: 'purposes is empty',
    path: '/consents',
    body: consentBody({ purposes: [] }),
    status: 400,
    code: 'validation-failed',
    field: 'purposes',
  },
  {
    name: 'unknown purpose',
    path: '/consents',
    body: consentBody({ purposes: ['mind-reading'] }),
    status: 400,
    code: 'validation-failed',
    field: 'purposes',
  },
  {
    name: 'policyVersion is a number',
    path: '/consents',
    body: consentBody({ policyVersion: 3 }),
    status: 400,
    code: 'validation-failed',
    field: 'policyVersion',
  },
  {
    name: 'unknown channel',
    path: '/consents',
    body: consentBody({ channel: 'carrier-pigeon' }),
    status: 400,
    code: 'validation-failed',
    field: 'channel',
  },
  {
    name: 'missing channel',
    path: '/consents',
    body: consentBody({ channel: undefined }),
    status: 400,
    code: 'validation-failed',
    field: 'channel',
  },
  {
    name: 'unknown top-level field',
    path: '/consents',
    body: consentBody({ admin: true }),
    status: 400,
    code: 'validation-failed',
    field: 'admin',
  },
  {
    name: 'unknown nested field',
    path: '/consents',
    body: consentBody({ evidence: { ipAddress: '203.0.113.7', fingerprint: 'x' } }),
    status: 400,
    code: 'validation-failed',
    field: 'evidence.fingerprint',
  },
  {
    name: 'evidence IP is not an address',
    path: '/consents',
    body: consentBody({ evidence: { ipAddress: 'home' } }),
    status: 400,
    code: 'validation-failed',
    field: 'evidence.ipAddress',
  },
  {
    name: 'occurredAt without a zone',
    path: '/consents',
    body: consentBody({ occurredAt: '2026-01-01T10:00:00' }),
    status: 400,
    code: 'validation-failed',
    field: 'occurredAt',
  },
  {
    name: 'occurredAt on a day that does not exist',
    path: '/consents',
    body: consentBody({ occurredAt: '2026-02-31T00:00:00Z' }),
    status: 400,
    code: 'validation-failed',
    field: 'occurredAt',
  },
  {
    name: 'occurredAt is not a date',
    path: '/consents',
    body: consentBody({ occurredAt: 'yesterday' }),
    status: 400,
    code: 'validation-failed',
    field: 'occurredAt',
  },
  {
    name: 'unknown withdrawal purpose',
    path: '/consents/withdrawals',
    body: { purposes: ['nope'] },
    status: 400,
    code: 'validation-failed',
    field: 'purposes',
  },
  {
    name: 'unknown country',
    path: '/transfers',
    body: transferBody({ country: 'XX' }),
    status: 400,
    code: 'validation-failed',
    field: 'country',
  },
  {
    name: 'lower-case country',
    path: '/transfers',
    body: transferBody({ country: 'sg' }),
    status: 400,
    code: 'validation-failed',
    field: 'country',
  },
  {
    name: 'unknown data category',
    path: '/transfers',
    body: transferBody({ dataCategories: ['pii.dreams'] }),
    status: 400,
    code: 'validation-failed',
    field: 'dataCategories',
  },
  {
    name: 'payment-like data category',
    path: '/transfers',
    body: transferBody({ dataCategories: ['pii.name', 'pii.payment-card'] }),
    status: 400,
    code: 'validation-failed',
    field: 'dataCategories',
  },
  {
    name: 'empty data categories',
    path: '/transfers',
    body: transferBody({ dataCategories: [] }),
    status: 400,
    code: 'validation-failed',
    field: 'dataCategories',
  },
  {
    name: 'unknown recipient kind',
    path: '/transfers',
    body: transferBody({ recipient: { id: 'x', name: 'X', kind: 'friend' } }),
    status: 400,
    code: 'validation-failed',
    field: 'recipient.kind',
  },
  {
    name: 'recipient is a string',
    path: '/transfers',
    body: transferBody({ recipient: 'aws' }),
    status: 400,
    code: 'validation-failed',
    field: 'recipient',
  },
  {
    name: 'unknown legal basis',
    path: '/transfers',
    body: transferBody({ legalBasis: 'because' }),
    status: 400,
    code: 'validation-failed',
    field: 'legalBasis',
  },
  {
    name: 'system with spaces',
    path: '/deletion-completions',
    body: { system: 'the crm' },
    status: 400,
    code: 'validation-failed',
    field: 'system',
  },
  {
    name: 'reason is an object',
    path: '/deletion-requests',
    body: { reason: { text: 'x' } },
    status: 400,
    code: 'validation-failed',
    field: 'reason',
  },
  // A lone surrogate is not text: the hash chain's canonical JSON (RFC 8785) cannot hold it.
  {
    name: 'reason with a lone surrogate',
    path: '/deletion-requests',
    body: '{"reason": "x\\ud800y"}',
    status: 400,
    code: 'validation-failed',
    field: 'reason',
  },
  {
    name: 'recipient name with a lone surrogate',
    path: '/transfers',
    body: JSON.stringify(transferBody()).replace('"Amazon Web Services"', '"Amazon \\udc00"'),
    status: 400,
    code: 'validation-failed',
    field: 'recipient.name',
  },
  { name: 'body is an array', path: '/consents', body: [consentBody()], status: 400, code: 'validation-failed', field: 'body' },
  { name: 'body is null', path: '/deletion-requests', body: 'null', status: 400, code: 'validation-failed', field: 'body' },
  { name: 'malformed JSON', path: '/consents', body: '{"purposes": [', status: 400, code: 'malformed-json' },
  { name: 'empty JSON body', path: '/deletion-requests', body: '', status: 400, code: 'malformed-json' },
  { name: 'prototype pollution', path: '/deletion-requests', body: '{"__proto__": {"admin": true}}', status: 400, code: 'malformed-json' },
  { name: 'body over 64 KiB', path: '/deletion-requests', body: { reason: huge }, status: 413, code: 'payload-too-large' },
  {
    name: 'text body',
    path: '/deletion-requests',
    body: 'please erase me',
    headers: { 'content-type': 'text/plain' },
    status: 415,
    code: 'unsupported-media-type',
  },
  {
    name: 'form body',
    path: '/deletion-requests',
    body: 'reason=x',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    code: 'unsupported-media-type',
  },
  {
    name: 'an e-mail address as subject id',
    path: '@/deletion-requests',
    body: {},
    status: 400,
    code: 'validation-failed',
    field: 'subjectId',
  },
  { name: 'a tenant id with a slash', path: '%2F/deletion-requests', body: {}, status: 400, code: 'validation-failed', field: 'tenantId' },
  {
    name: 'idempotency key with spaces',
    path: '/deletion-requests',
    body: {},
    headers: { 'idempotency-key': 'a b' },
    status: 400,
    code: 'validation-failed',
    field: 'idempotency-key',
  },
];

const resolvePath = (path: string): string => {
  if (path.startsWith('@')) return `${subjectPath(tenant, 'asha@example.com')}${path.slice(1)}`;
  if (path.startsWith('%2F')) return `${subjectPath('acme%2Fother', subject)}${path.slice(3)}`;
  return `${base}${path}`;
};

describe('bad input', () => {
  let ledger: RunningLedger;
  let logLength: number;

  beforeAll(async () => {
    ledger = await startLedger();
    await ledger.post(`${base}/consents`, consentBody());
    logLength = (await ledger.auditEvents()).length;
  });
  afterAll(async () => {
    await ledger.close();
    removeDataDir(ledger.dataDir);
  });

  it.each(rows)('$name: answers $status $code and writes nothing', async (row) => {
    const answer = await ledger.post(resolvePath(row.path), row.body, row.headers);
    expect(answer.status).toBe(row.status);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body).toMatchObject({
      status: row.status,
      code: row.code,
      type: expect.any(String),
      title: expect.any(String),
      detail: expect.any(String),
    });
    if (row.field !== undefined) {
      expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(row.field);
    }
    expect(await ledger.auditEvents()).toHaveLength(logLength);
  });

  it('still accepts a valid command afterwards (nothing was corrupted)', async () => {
    const answer = await ledger.post(`${base}/transfers`, transferBody());
    expect(answer.status).toBe(201);
    expect(answer.body.events[0].streamPosition).toBe(1);
  });
});
