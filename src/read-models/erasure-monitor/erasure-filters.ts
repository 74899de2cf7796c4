import type { Condition, Where } from '../../read-store/read-store.port.js';
import { openStateWhere } from '../shared/deadline-filters.js';
import type { ErasureStateFilter, RecipientNoticeFilter } from './erasures.query.js';

/**
 * States are disjoint: `open` is not yet due, `overdue` is open past its due date (judged
 * by the clock now, never frozen when projected), `completed` is confirmed everywhere.
 */
export const erasureStateWhere = (state: ErasureStateFilter, now: Date): Where =>
  state === 'completed' ? { state: 'completed' } : openStateWhere(state, now);

/** Erasures with recipients not yet told; `overdue`: and past the erasure's deadline, judged now. */
export const recipientNoticeWhere = (filter: RecipientNoticeFilter, now: Date): Where =>
  filter === 'owed' ? { recipientsOwed: { gt: 0 } } : { recipientsOwed: { gt: 0 }, dueAt: { lt: now.toISOString() } };

/** A recipient's notice as read now: `overdue` is not yet told past the erasure's deadline. */
export const recipientNoticeState = (notifiedAt: string | null, dueAt: string, now: Date): 'notified' | 'owed' | 'overdue' =>
  notifiedAt !== null ? 'notified' : dueAt < now.toISOString() ? 'overdue' : 'owed';

/** Two filters that both bound `dueAt`: every bound holds (a spread would keep only the last). */
export const mergedDueAt = (a: Where, b: Where): Where => {
  const [first, second] = [a['dueAt'], b['dueAt']];
  if (first === undefined || second === undefined) return {};
  return { dueAt: { ...(first as Condition), ...(second as Condition) } as Condition };
};
