import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { removeDataDir, startLedger, type RunningLedger } from '../support/ledger-app.js';
import { consentBody, newSubject, subjectPath, transferBody } from '../support/requests.js';

describe('GET /v1/audit/events', () => {
  let ledger: RunningLedger;
  const positions: number[] = [];

  beforeAll(async () => {
    ledger = await startLedger();
    for (const tenant of ['acme', 'globex', 'acme']) {
      const path = subjectPath(tenant, newSubject());
      const consent = await ledger.post(`${path}/consents`, consentBody());
      const transfer = await ledger.post(`${path}/transfers`, transferBody());
      positions.push(consent.body.events[0].globalPosition, transfer.body.events[0].globalPosition);
    }
  });
  afterAll(async () => {
    await ledger.close();
    removeDataDir(ledger.dataDir);
  });

  it('streams every event as NDJSON in global order with the exported fields', async () => {
    const answer = await ledger.get('/v1/audit/events');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('application/x-ndjson');
    const events = answer.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.map((e) => e.globalPosition)).toEqual(positions);
    // A consent with evidence holds personal values: `data` shows them opened, `sealed` as stored.
    expect(Object.keys(events[0])).toEqual([
      'id',
      'type',
      'streamId',
      'streamPosition',
      'globalPosition',
      'occurredAt',
      'recordedAt',
      'data',
      'metadata',
      'sealed',
    ]);
    expect(events[0].data.evidence).toEqual(consentBody().evidence);
    expect(Object.keys(events[0].sealed)).toEqual(['evidence.ipAddress', 'evidence.userAgent', 'evidence.contact']);
    expect(Object.keys(events[0].metadata).sort()).toEqual([
      'actor',
      'causationId',
      'correlationId',
      'hash',
      'idempotencyKey',
      'prevHash',
      'subjectId',
      'tenantId',
    ]);
  });

  it('starts at fromPosition inclusive and stops after limit', async () => {
    const events = await ledger.auditEvents(`?fromPosition=${positions[2]}&limit=3`);
    expect(events.map((e) => e.globalPosition)).toEqual(positions.slice(2, 5));
  });

  it('keeps to one tenant when asked', async () => {
    const events = await ledger.auditEvents('?tenantId=globex');
    expect(events).toHaveLength(2);
    expect(events.every((e) => e.metadata.tenantId === 'globex')).toBe(true);
  });

  it('answers an empty stream past the end', async () => {
    const answer = await ledger.get(`/v1/audit/events?fromPosition=${(positions.at(-1) ?? 0) + 1}`);
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('');
  });

  it.each([
    ['fromPosition=-1', 'fromPosition'],
    ['fromPosition=abc', 'fromPosition'],
    ['limit=0', 'limit'],
    ['limit=1.5', 'limit'],
    ['limit=abc', 'limit'],
    ['fromPosition=', 'fromPosition'],
    ['tenantId=a%2Fb', 'tenantId'],
    ['unknown=1', 'unknown'],
  ])('refuses %s with a 400 naming %s', async (query, field) => {
    const answer = await ledger.get(`/v1/audit/events?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });
});
