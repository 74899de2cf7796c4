/** One Server-Sent Event as a client sees it, or a comment line (a heartbeat). */
export type SseMessage = { kind: 'event'; id: string | undefined; data: string } | { kind: 'comment'; text: string };

export interface SseConnection {
  readonly status: number;
  readonly headers: Headers;
  /** The next message (event or comment), or null once the stream ended; rejects after `timeoutMs`. */
  next(timeoutMs?: number): Promise<SseMessage | null>;
  /** The next `count` events (comments skipped), parsed as JSON. */
  events(count: number, timeoutMs?: number): Promise<{ id: string | undefined; data: any }[]>;
  /** Drops the connection (as a client whose network went away). */
  drop(): void;
}

/**
 * A minimal SSE reader over fetch, parsing the wire format (WHATWG HTML §9.2.6) as an
 * EventSource would, but keeping comments so that a test can see heartbeats.
 */
export const openSse = async (url: string, headers: Record<string, string>): Promise<SseConnection> => {
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  const queue: (SseMessage | null)[] = [];
  const waiters: (() => void)[] = [];
  const deliver = (message: SseMessage | null) => {
    queue.push(message);
    waiters.splice(0).forEach((wake) => wake());
  };
  let id: string | undefined;
  let data: string[] = [];
  let buffer = '';
  const line = (text: string) => {
    if (text === '') {
      if (data.length > 0) deliver({ kind: 'event', id, data: data.join('\n') });
      data = [];
      return;
    }
    if (text.startsWith(':')) return deliver({ kind: 'comment', text: text.slice(1).trim() });
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    const value = colon === -1 ? '' : text.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    if (field === 'data') data.push(value);
  };
  void (async () => {
    try {
      const decoder = new TextDecoder();
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let at: number;
        while ((at = buffer.search(/\r\n|\r|\n/)) !== -1) {
          const end = buffer.startsWith('\r\n', at) ? at + 2 : at + 1;
          line(buffer.slice(0, at));
          buffer = buffer.slice(end);
        }
      }
    } catch {
      // dropped by the test, or cut by the server: the stream has ended either way
    }
    deliver(null);
  })();
  const next = async (timeoutMs = 10_000): Promise<SseMessage | null> => {
    const started = Date.now();
    while (queue.length === 0) {
      const left = timeoutMs - (Date.now() - started);
      if (left <= 0) throw new Error(`no SSE message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const message = queue.shift()!;
    // The end stays at the head, so every later call sees it too.
    if (message === null) queue.unshift(null);
    return message;
  };
  return {
    status: response.status,
    headers: response.headers,
    next,
    events: async (count, timeoutMs = 10_000) => {
      const found: { id: string | undefined; data: any }[] = [];
      while (found.length < count) {
        const message = await next(timeoutMs);
        if (message === null) throw new Error(`the feed ended after ${found.length} of ${count} events`);
        if (message.kind === 'event') found.push({ id: message.id, data: JSON.parse(message.data) });
      }
      return found;
    },
    drop: () => abort.abort(),
  };
};
