import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { LEDGER_CONFIG, type LedgerConfig } from '../../config/ledger-config.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { LiveFeed, type LiveFeedOptions } from './live-feed.js';

/**
 * The open live feeds of this process. The HTTP server waits for open responses when it
 * closes, and a feed never ends by itself: the feeds are ended before it closes (and before
 * the stores do), so that stopping the app neither hangs nor reads a closed store.
 */
@Injectable()
export class LiveFeeds implements BeforeApplicationShutdown {
  private readonly open = new Set<LiveFeed>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  /** How many feeds are open (for tests: a closed connection must leave none). */
  get size(): number {
    return this.open.size;
  }

  start(options: Omit<LiveFeedOptions, 'store' | 'heartbeatMs'>): LiveFeed {
    const feed = new LiveFeed({ ...options, store: this.store, heartbeatMs: this.config.sseHeartbeatMs });
    this.open.add(feed);
    feed.once('close', () => this.open.delete(feed));
    return feed;
  }

  beforeApplicationShutdown(): void {
    for (const feed of this.open) feed.close();
  }
}
