import { describe, expect, it } from '@jest/globals';
import { MessageChannel } from 'node:worker_threads';
import type { EventStore } from '../../event-store/event-store.port.js';
import { forwardingLogger, notifiedBy, type FromProjector } from './projector-protocol.js';

const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('the projector worker protocol', () => {
  describe("the worker's event store", () => {
    it('calls its onAppended listeners with the positions posted on the commit port, until unsubscribed', async () => {
      const { port1, port2 } = new MessageChannel();
      const ownListeners: unknown[] = [];
      const store = {
        onAppended: (listener: unknown) => ownListeners.push(listener),
        lastPosition: async () => 7,
      } as unknown as EventStore;
      const notified = notifiedBy(store, port2);
      const seen: number[] = [];
      const unsubscribe = notified.onAppended((position) => seen.push(position));

      port1.postMessage(3);
      port1.postMessage(5);
      await nextTurn();
      unsubscribe();
      port1.postMessage(9);
      await nextTurn();

      expect(seen).toEqual([3, 5]);
      // Its own commits (it makes none) are not listened to; everything else is the store's.
      expect(ownListeners).toEqual([]);
      expect(await notified.lastPosition()).toBe(7);
      port1.close();
    });
  });

  describe("the worker's logger", () => {
    it('posts each line with its level and context', () => {
      const posted: FromProjector[] = [];
      const logger = forwardingLogger((message) => posted.push(message));
      logger.warn('subject-status: lease lost (token 3); standing by', 'Projections');
      logger.error(new Error('disk on fire'), 'Projections');
      logger.log('no context');
      expect(posted).toEqual([
        { type: 'log', level: 'warn', context: 'Projections', message: 'subject-status: lease lost (token 3); standing by' },
        { type: 'log', level: 'error', context: 'Projections', message: 'disk on fire' },
        { type: 'log', level: 'log', context: undefined, message: 'no context' },
      ]);
    });
  });
});
