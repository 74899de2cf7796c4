import type { Where } from '../../read-store/read-store.port.js';

/**
 * The one rule for anything with a deadline (erasures, grievances): `open` is not yet due,
 * `overdue` is open past `dueAt`, judged by the clock now and never frozen when projected.
 */
export const openStateWhere = (state: 'open' | 'overdue', now: Date): Where => {
  const instant = now.toISOString();
  return state === 'open' ? { state: 'open', dueAt: { gte: instant } } : { state: 'open', dueAt: { lt: instant } };
};
