import type { Where } from '../../read-store/read-store.port.js';
import type { ErasureStateFilter } from './erasures.query.js';

/**
 * States are disjoint: `open` is not yet due, `overdue` is open past its due date (judged
 * by the clock now, never frozen when projected), `completed` is confirmed everywhere.
 */
export const erasureStateWhere = (state: ErasureStateFilter, now: Date): Where => {
  const instant = now.toISOString();
  switch (state) {
    case 'open':
      return { state: 'open', dueAt: { gte: instant } };
    case 'overdue':
      return { state: 'open', dueAt: { lt: instant } };
    case 'completed':
      return { state: 'completed' };
    default: {
      const unreachable: never = state;
      return unreachable;
    }
  }
};
