import type { GrievanceCategory, GrievanceChannel, GrievanceOutcome } from '../catalogue.js';
import type { Fact } from './subject-fact.js';

/**
 * A grievance received from the subject (domain.md rule 7). `receivedAt` is the event's
 * `occurredAt`; `dueAt` is fixed when it is lodged, so a configuration change never moves
 * the deadline of a grievance already open.
 */
export type GrievanceLodged = Fact<
  'grievance-lodged',
  {
    readonly grievanceId: string;
    readonly category: GrievanceCategory;
    readonly channel: GrievanceChannel;
    readonly receivedAt: string;
    readonly dueAt: string;
    /** The subject's own words: personal data (free text), kept under exactly this name. */
    readonly description?: string;
  }
>;

/**
 * The grievance was redressed. It carries `dueAt` and `resolvedOnTime` so that the fact is
 * complete on its own (a timeline entry needs no other event to say whether it was late),
 * and no personal data, so it may be recorded even after the subject's erasure.
 */
export type GrievanceResolved = Fact<
  'grievance-resolved',
  {
    readonly grievanceId: string;
    readonly outcome: GrievanceOutcome;
    readonly resolvedAt: string;
    readonly dueAt: string;
    readonly resolvedOnTime: boolean;
  }
>;
