import type { GrievanceOutcome } from '../catalogue.js';
import type { GrievanceLodged, GrievanceResolved } from './grievance.events.js';

export interface OpenGrievance {
  readonly receivedAt: string;
  readonly dueAt: string;
}

export interface ResolvedGrievance {
  readonly outcome: GrievanceOutcome;
  readonly resolvedAt: string;
}

/** A subject's grievances by id: each is either open or resolved, never both. */
export interface GrievancesState {
  readonly open: Readonly<Record<string, OpenGrievance>>;
  readonly resolved: Readonly<Record<string, ResolvedGrievance>>;
}

export const noGrievances = (): GrievancesState => ({ open: {}, resolved: {} });

export const evolveGrievances = (state: GrievancesState, event: GrievanceLodged | GrievanceResolved): GrievancesState => {
  const { grievanceId } = event.data;
  if (event.type === 'grievance-lodged') {
    return { ...state, open: { ...state.open, [grievanceId]: { receivedAt: event.data.receivedAt, dueAt: event.data.dueAt } } };
  }
  // A resolution of a grievance that is not open cannot be produced by decide; folding
  // stays total so that an odd history never crashes a read.
  if (!Object.hasOwn(state.open, grievanceId)) return state;
  const { [grievanceId]: _resolved, ...open } = state.open;
  return { open, resolved: { ...state.resolved, [grievanceId]: { outcome: event.data.outcome, resolvedAt: event.data.resolvedAt } } };
};
