import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LiveFeeds } from '../../src/audit/audit-events/live-feeds.js';
import { E2E_ADMIN_KEY, e2eAdminKeyEntry, removeDataDir, startLedger, type RunningLedger } from '../support/ledger-app.js';
import { openSse, type SseConnection } from '../support/sse-client.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';

const AUDITOR_OF_A = 'feed-auditor-a-0123456789abcdef';
const SSE_ACCEPT = { accept: 'text/event-stream' };

/** GET /v1/audit/events as Server-Sent Events, over a real socket. */
describe('the live audit feed', () => {
  const A = newTenant();
  const B = newTenant();
  let ledger: RunningLedger;

  const feed = (query: string, headers: Record<string, string> = {}, key = E2E_ADMIN_KEY): Promise<SseConnection> =>
    openSse(`${ledger.url}/v1/audit/events${query}`, { authorization: `Bearer ${key}`, ...SSE_ACCEPT, ...headers });

  /** Two events (a consent, a transfer) for a new subject of the tenant; their global positions. */
  const writeFor = async (tenant: string): Promise<number[]> => {
    const path = subjectPath(tenant, newSubject());
    const positions: number[] = [];
    for (const answer of [await ledger.post(`${path}/consents`, consentBody()), await ledger.post(`${path}/transfers`, transferBody())]) {
      expect(answer.status).toBe(201);
      positions.push(...answer.body.events.map((event: { globalPosition: number }) => event.globalPosition));
    }
    return positions;
  };

  const openFeeds = (): number => ledger.app.get(LiveFeeds, { strict: false }).size;

  const until = async (condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> => {
    const started = Date.now();
    while (!condition()) {
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  beforeAll(async () => {
    ledger = await startLedger({
      env: {
        LEDGER_SSE_HEARTBEAT_MS: '300',
        LEDGER_API_KEYS: JSON.stringify([e2eAdminKeyEntry, { name: 'auditor-a', role: 'auditor', tenants: [A], key: AUDITOR_OF_A }]),
      },
    });
  });
  afterAll(async () => {
    await ledger.close();
    removeDataDir(ledger.dataDir);
  });

  it('resumes after a dropped connection with Last-Event-ID, with no gap and no duplicate, while commands keep arriving', async () => {
    const tenant = newTenant();
    const written: number[] = [];
    let writing = true;
    const writer = (async () => {
      for (let i = 0; i < 40; i++) written.push(...(await writeFor(tenant)));
      writing = false;
    })();

    const first = await feed(`?tenantId=${tenant}`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const before = await first.events(15);
    first.drop();
    await until(() => openFeeds() === 0, 'the dropped feed to be released');

    const lastId = before.at(-1)!.id!;
    const second = await feed(`?tenantId=${tenant}`, { 'last-event-id': lastId });
    await writer;
    expect(writing).toBe(false);
    const after = await second.events(written.length - before.length);
    second.drop();

    const received = [...before, ...after];
    const ids = received.map((event) => Number(event.id));
    // Every event of the tenant, each exactly once, in global order; `id` is the global position.
    expect(ids).toEqual([...written].sort((a, b) => a - b));
    expect(received.map((event) => event.data.globalPosition)).toEqual(ids);
    // The same JSON as the NDJSON export's lines.
    expect(received.map((event) => event.data)).toEqual(await ledger.auditEvents(`?tenantId=${tenant}`));
    expect(received.every((event) => event.data.metadata.tenantId === tenant)).toBe(true);
    await until(() => openFeeds() === 0, 'every feed to be released');
  });

  it('sends a key limited to some tenants only their events, live and from the log, and refuses another tenant', async () => {
    const ofA = await writeFor(A);
    await writeFor(B);
    const limited = await feed(`?fromPosition=${ofA[0]}`, {}, AUDITOR_OF_A);
    expect(limited.status).toBe(200);
    const logged = await limited.events(2);
    const live = [...(await writeFor(B)), ...(await writeFor(A))];
    const streamed = await limited.events(2);
    limited.drop();
    expect([...logged, ...streamed].map((event) => event.data.metadata.tenantId)).toEqual([A, A, A, A]);
    expect([...logged, ...streamed].map((event) => Number(event.id))).toEqual([...ofA, ...live.slice(2)]);

    const refused = await feed(`?tenantId=${B}`, {}, AUDITOR_OF_A);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
  });

  it('sends a heartbeat comment while nothing happens, and the first event appended after it', async () => {
    const tenant = newTenant();
    const quiet = await feed(`?tenantId=${tenant}`);
    const started = Date.now();
    const seen: string[] = [];
    for (;;) {
      const message = await quiet.next(3_000);
      if (message?.kind === 'comment') {
        seen.push(message.text);
        if (message.text === 'heartbeat') break;
      }
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    const [position] = await writeFor(tenant);
    const [event] = await quiet.events(1, 3_000);
    expect(Number(event!.id)).toBe(position);
    quiet.drop();
  });

  it('follows with ?follow=true whatever Accept says, keeps the bounded NDJSON export for any other request, and ends after limit', async () => {
    const tenant = newTenant();
    const positions = [...(await writeFor(tenant)), ...(await writeFor(tenant))];
    const followed = await openSse(`${ledger.url}/v1/audit/events?tenantId=${tenant}&follow=true&limit=3`, {
      authorization: `Bearer ${E2E_ADMIN_KEY}`,
      accept: '*/*',
    });
    expect(followed.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect((await followed.events(3)).map((event) => Number(event.id))).toEqual(positions.slice(0, 3));
    let end;
    do end = await followed.next(3_000);
    while (end !== null && end.kind === 'comment');
    expect(end).toBeNull();

    const exports: Record<string, string>[] = [{}, { accept: '*/*' }, { accept: 'text/event-stream;q=0, application/x-ndjson' }];
    for (const headers of exports) {
      const answer = await ledger.get(`/v1/audit/events?tenantId=${tenant}`, headers);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toContain('application/x-ndjson');
      expect(answer.text.trim().split('\n')).toHaveLength(4);
    }
    const notFollowed = await ledger.get(`/v1/audit/events?tenantId=${tenant}&follow=false`, SSE_ACCEPT);
    expect(notFollowed.headers.get('content-type')).toContain('application/x-ndjson');
  });

  it.each([
    ['?follow=yes', {}, 'follow'],
    ['?follow=true', { 'last-event-id': 'abc' }, 'Last-Event-ID'],
    ['', { 'last-event-id': '-1' }, 'Last-Event-ID'],
    ['?follow=true&limit=0', {}, 'limit'],
  ])('refuses %s %j with a 400 naming %s, before any stream opens', async (query, headers, field) => {
    const answer = await ledger.get(`/v1/audit/events${query}`, { ...SSE_ACCEPT, ...headers });
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    expect(openFeeds()).toBe(0);
  });
});

describe('the live audit feed when the ledger stops', () => {
  it('ends the open feeds, so that closing the app does not wait for their clients', async () => {
    const ledger = await startLedger();
    try {
      const tenant = newTenant();
      expect((await ledger.post(`${subjectPath(tenant, newSubject())}/consents`, consentBody())).status).toBe(201);
      const open = await openSse(`${ledger.url}/v1/audit/events?tenantId=${tenant}`, {
        authorization: `Bearer ${E2E_ADMIN_KEY}`,
        ...SSE_ACCEPT,
      });
      expect(await open.events(1)).toHaveLength(1);
      const started = Date.now();
      await ledger.close();
      expect(Date.now() - started).toBeLessThan(5_000);
      let message;
      do message = await open.next(5_000);
      while (message !== null);
      expect(message).toBeNull();
    } finally {
      removeDataDir(ledger.dataDir);
    }
  });
});
