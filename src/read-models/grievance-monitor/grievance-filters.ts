import type { Where } from '../../read-store/read-store.port.js';
import { openStateWhere } from '../shared/deadline-filters.js';
import type { GrievanceStateFilter } from './grievances.query.js';

/**
 * States are disjoint: `open` is not yet due, `overdue` is open past its due date (judged
 * by the clock now, never frozen when projected), `resolved` is redressed, on time or not.
 */
export const grievanceStateWhere = (state: GrievanceStateFilter, now: Date): Where =>
  state === 'resolved' ? { state: 'resolved' } : openStateWhere(state, now);

/** `overdue` is never stored: an open grievance past its due date, judged at `at`. */
export const grievanceStateAt = (state: 'open' | 'resolved', dueAt: string, at: Date): GrievanceStateFilter =>
  state === 'open' && Date.parse(dueAt) < at.getTime() ? 'overdue' : state;
