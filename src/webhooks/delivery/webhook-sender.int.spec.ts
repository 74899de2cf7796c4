import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendWebhook } from './webhook-sender.js';

const HEADERS = { 'webhook-id': 'msg_1', 'webhook-timestamp': '1', 'webhook-signature': 'v1,x' };

describe('sending one webhook', () => {
  let server: Server;
  let hits = 0;
  let port = 0;
  beforeAll(async () => {
    server = createServer((request, response) => {
      hits++;
      if (request.url === '/redirect') return void response.writeHead(307, { location: '/ok' }).end();
      if (request.url === '/slow') return; // never answers
      response.writeHead(request.url === '/ok' ? 204 : 500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('counts only a 2xx as delivered', async () => {
    expect(await sendWebhook(`http://127.0.0.1:${port}/ok`, '{}', HEADERS, true)).toMatchObject({ status: 204, error: null });
    expect(await sendWebhook(`http://127.0.0.1:${port}/fail`, '{}', HEADERS, true)).toMatchObject({
      status: 500,
      error: expect.any(String),
    });
  });

  it('does not follow a redirect', async () => {
    const before = hits;
    expect(await sendWebhook(`http://127.0.0.1:${port}/redirect`, '{}', HEADERS, true)).toMatchObject({
      status: 307,
      error: expect.any(String),
    });
    expect(hits).toBe(before + 1);
  });

  it('refuses a private target at delivery time unless allowed, without connecting', async () => {
    const before = hits;
    const literal = await sendWebhook(`http://127.0.0.1:${port}/ok`, '{}', HEADERS, false);
    const named = await sendWebhook(`http://localhost:${port}/ok`, '{}', HEADERS, false);
    expect(literal).toMatchObject({ status: null, error: expect.stringContaining('private') });
    expect(named).toMatchObject({ status: null, error: expect.stringContaining('private') });
    expect(hits).toBe(before);
  });

  it('gives up on a receiver that does not answer within 10 s', async () => {
    const started = Date.now();
    const result = await sendWebhook(`http://127.0.0.1:${port}/slow`, '{}', HEADERS, true);
    expect(result).toMatchObject({ status: null, error: expect.stringContaining('10 s') });
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_900);
  }, 20_000);
});
