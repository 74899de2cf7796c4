import type { Where } from '../../read-store/read-store.port.js';
import { openStateWhere } from '../shared/deadline-filters.js';
import type { ErasureStateFilter } from './erasures.query.js';

/**
 * States are disjoint: `open` is not yet due, `overdue` is open past its due date (judged
 * by the clock now, never frozen when projected), `completed` is confirmed everywhere.
 */
export const erasureStateWhere = (state: ErasureStateFilter, now: Date): Where =>
  state === 'completed' ? { state: 'completed' } : openStateWhere(state, now);
