import { describe, expect, it } from '@jest/globals';
import { retryAfterMs, retryingFetch, type FetchRequest } from '../../clients/typescript/src/retry.js';

const NOW = Date.parse('2026-12-02T05:00:00Z');

describe('Retry-After as the typed client reads it', () => {
  it('reads delay-seconds', () => {
    expect(retryAfterMs('2', NOW)).toBe(2_000);
    expect(retryAfterMs(' 0 ', NOW)).toBe(0);
  });

  it('reads an HTTP date as the time left until it, and a past date as at once', () => {
    expect(retryAfterMs('Wed, 02 Dec 2026 05:00:30 GMT', NOW)).toBe(30_000);
    expect(retryAfterMs('Wed, 02 Dec 2026 04:59:00 GMT', NOW)).toBe(0);
  });

  it('gives null for a missing or unreadable value', () => {
    expect(retryAfterMs(null, NOW)).toBeNull();
    expect(retryAfterMs('soon', NOW)).toBeNull();
    expect(retryAfterMs('-5', NOW)).toBeNull();
  });
});

describe('retryingFetch', () => {
  const answering = (statuses: number[], retryAfter: string | null) => {
    const seen: Request[] = [];
    const send: FetchRequest = async (request) => {
      seen.push(request);
      const status = statuses[Math.min(seen.length - 1, statuses.length - 1)]!;
      return new Response(null, { status, headers: retryAfter === null ? {} : { 'retry-after': retryAfter } });
    };
    return { seen, send };
  };
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
  };

  it('waits the Retry-After of a 503 and sends the same command, with its body, again', async () => {
    waits.length = 0;
    const { seen, send } = answering([503, 201], '2');
    const request = new Request('http://ledger.test/v1/x', { method: 'POST', headers: { 'idempotency-key': 'k-1' }, body: '{"a":1}' });
    const answer = await retryingFetch(send, {}, sleep)(request);
    expect(answer.status).toBe(201);
    expect(waits).toEqual([2_000]);
    expect(seen).toHaveLength(2);
    expect(await Promise.all(seen.map((r) => r.text()))).toEqual(['{"a":1}', '{"a":1}']);
    expect(seen.map((r) => r.headers.get('idempotency-key'))).toEqual(['k-1', 'k-1']);
  });

  it('waits the default delay when a 503 has no Retry-After', async () => {
    waits.length = 0;
    const { send } = answering([503, 200], null);
    await retryingFetch(send, { defaultDelayMs: 250 }, sleep)(new Request('http://ledger.test/v1/x'));
    expect(waits).toEqual([250]);
  });

  it('answers other statuses at once', async () => {
    waits.length = 0;
    const { seen, send } = answering([409], '1');
    const answer = await retryingFetch(send, {}, sleep)(new Request('http://ledger.test/v1/x'));
    expect(answer.status).toBe(409);
    expect(seen).toHaveLength(1);
    expect(waits).toEqual([]);
  });
});
