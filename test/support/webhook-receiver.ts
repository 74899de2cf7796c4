import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request the receiver got, with what standardwebhooks made of its signature. */
export interface Received {
  readonly id: string;
  readonly timestamp: string;
  readonly signature: string;
  readonly body: string;
  readonly payload: any;
  /** The secrets (by their place in `secrets`) whose verification by standardwebhooks passed. */
  readonly verifiedWith: number[];
  /** What this receiver answered. */
  readonly answered: number;
}

export interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
}

/**
 * A webhook receiver on 127.0.0.1: a node:http server that verifies every request with the
 * `standardwebhooks` package (an implementation that is not ours) against each secret it was
 * given, and answers what `answer` says (default 204).
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  secrets: string[] = [];
  answer: (request: { id: string; payload: any; attempt: number }) => Answer = () => ({ status: 204 });
  private readonly server: Server;
  private waiters: (() => void)[] = [];

  private constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = request.headers;
        const id = header(headers, 'webhook-id');
        const verifiedWith = this.secrets.flatMap((secret, index) => {
          try {
            new Webhook(secret).verify(body, {
              'webhook-id': id,
              'webhook-timestamp': header(headers, 'webhook-timestamp'),
              'webhook-signature': header(headers, 'webhook-signature'),
            });
            return [index];
          } catch {
            return [];
          }
        });
        let payload: any;
        try {
          payload = JSON.parse(body);
        } catch {
          payload = undefined;
        }
        const attempt = this.received.filter((r) => r.id === id).length + 1;
        const { status, headers: extra = {} } = this.answer({ id, payload, attempt });
        this.received.push({
          id,
          timestamp: header(headers, 'webhook-timestamp'),
          signature: header(headers, 'webhook-signature'),
          body,
          payload,
          verifiedWith,
          answered: status,
        });
        response.writeHead(status, extra).end();
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
  }

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  /** Waits until `done()` holds for what was received (at most `timeoutMs`). */
  async until(done: (received: readonly Received[]) => boolean, timeoutMs = 15_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.received)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the receiver got ${this.received.length} request(s), not what the test waits for`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const header = (headers: IncomingHttpHeaders, name: string): string => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
};
