import { Readable } from 'node:stream';
import type { EventStore, RawStoredEvent, ReadAllOptions } from '../../event-store/event-store.port.js';
import { pageLines, type KeyRingFor } from './ndjson.js';

/** Events read from the store per step: one page of the export, so a slow client holds at most about this many. */
const PAGE_EVENTS = 256;

/** How often a feed looks for events it was not told about (appended by another process). */
export const DEFAULT_POLL_MS = 1_000;

/** What the client's EventSource waits before reconnecting after the stream ends or drops. */
const RETRY_MS = 2_000;

export interface LiveFeedOptions {
  readonly store: EventStore;
  /** The export's filters (tenant, the key's tenants); `fromPosition` and `limit` are the feed's own. */
  readonly filter: Pick<ReadAllOptions, 'tenantId' | 'tenantIds'>;
  /** The first position to send (inclusive). */
  readonly fromPosition: number;
  /** Ends the stream after this many events; undefined: never. */
  readonly limit: number | undefined;
  readonly keyRingFor: KeyRingFor;
  /** A comment line after this long without anything else sent. */
  readonly heartbeatMs: number;
  readonly pollMs?: number;
}

/** One SSE event: `id` the global position, `data` the export's JSON line for the event. */
const sseEvent = (event: RawStoredEvent, line: string): string => `id: ${event.globalPosition}\ndata: ${line}\n\n`;

/**
 * The audit export kept open as Server-Sent Events. The store is read only when the client
 * has taken what was sent (Readable's `_read`), a page at a time, so a slow client costs at
 * most a page and the socket's buffers, never a queue of its own. Once caught up it waits for
 * the store's `onAppended` (appends of this process, and EventStoreDB's subscription) or the
 * poll (appends of other processes on a shared store), and sends a comment as a heartbeat when
 * it has sent nothing for `heartbeatMs`. Destroying it (the client went away, the app stops)
 * drops the listener and both timers.
 */
export class LiveFeed extends Readable {
  private nextPosition: number;
  private sent = 0;
  /** The client wants more (`_read` was called and nothing was pushed since). */
  private wanted = false;
  private pumping = false;
  /** Something may have been appended since the last read began. */
  private dirty = true;
  private quietSince = 0;
  /** `push(null)` was called: nothing may be pushed after it. */
  private feedEnded = false;
  private readonly unsubscribe: () => void;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly poll: NodeJS.Timeout;

  constructor(private readonly options: LiveFeedOptions) {
    super({ highWaterMark: 64 * 1024 });
    this.nextPosition = options.fromPosition;
    this.unsubscribe = options.store.onAppended((lastPosition) => {
      if (lastPosition >= this.nextPosition) this.wake();
    });
    this.poll = setInterval(() => this.wake(), options.pollMs ?? DEFAULT_POLL_MS);
    this.heartbeat = setInterval(() => this.beat(), Math.max(1, Math.floor(options.heartbeatMs / 2)));
    this.quietSince = Date.now();
    // The reconnection delay for EventSource, and the first bytes: the client knows it is connected.
    this.send(`retry: ${RETRY_MS}\n\n`);
  }

  /** Ends the stream cleanly (the app is stopping): a client that is behind is cut instead of waited for. */
  close(): void {
    if (this.destroyed) return;
    if (this.readableLength > 0) this.destroy();
    else this.endFeed();
  }

  private endFeed(): void {
    if (this.feedEnded) return;
    this.feedEnded = true;
    this.stopWatching();
    this.push(null);
  }

  override _read(): void {
    this.wanted = true;
    void this.pump();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.stopWatching();
    callback(error);
  }

  private stopWatching(): void {
    this.unsubscribe();
    clearInterval(this.heartbeat);
    clearInterval(this.poll);
  }

  private wake(): void {
    this.dirty = true;
    void this.pump();
  }

  private send(chunk: string): void {
    if (this.feedEnded || this.destroyed) return;
    this.quietSince = Date.now();
    if (!this.push(chunk)) this.wanted = false;
  }

  private beat(): void {
    if (this.destroyed || this.feedEnded || !this.wanted) return;
    if (Date.now() - this.quietSince >= this.options.heartbeatMs) this.send(': heartbeat\n\n');
  }

  /** Reads and sends pages while the client wants more and the store may have more; one at a time. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.wanted && this.dirty && !this.destroyed && !this.feedEnded) {
        this.dirty = false;
        if (await this.step()) this.dirty = true;
      }
    } catch (error) {
      // Once bytes are out there is no answer left to give: the connection is cut, and the
      // client resumes with Last-Event-ID.
      this.destroy(error as Error);
    } finally {
      this.pumping = false;
    }
  }

  /** Sends the next page; true when there may be more right away. */
  private async step(): Promise<boolean> {
    const { store, filter, limit, keyRingFor } = this.options;
    const head = await store.lastPosition();
    if (head < this.nextPosition) return false;
    const remaining = limit === undefined ? PAGE_EVENTS : Math.min(PAGE_EVENTS, limit - this.sent);
    const page: RawStoredEvent[] = [];
    for await (const batch of store.readAllRaw({ ...filter, fromPosition: this.nextPosition, limit: remaining })) page.push(...batch);
    if (this.destroyed || this.feedEnded) return false;
    if (page.length > 0) {
      const lines = await pageLines(page, keyRingFor);
      if (this.destroyed || this.feedEnded) return false;
      this.send(page.map((event, at) => sseEvent(event, lines[at]!)).join(''));
      this.sent += page.length;
      this.nextPosition = page.at(-1)!.globalPosition + 1;
    }
    if (limit !== undefined && this.sent >= limit) {
      this.endFeed();
      return false;
    }
    if (page.length === remaining) return true;
    // A short page read everything up to the head seen before it: every event of this
    // client's tenants up to there is sent, so a tenant-filtered feed does not scan the
    // other tenants' events again on every wake-up.
    this.nextPosition = Math.max(this.nextPosition, head + 1);
    return false;
  }
}
