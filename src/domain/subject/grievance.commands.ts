import type { GrievanceCategory, GrievanceChannel, GrievanceOutcome } from '../catalogue.js';

/** The time of receipt is the command's `occurredAt` (from the body's `receivedAt`). */
export interface LodgeGrievance {
  readonly type: 'lodge-grievance';
  readonly category: GrievanceCategory;
  readonly channel: GrievanceChannel;
  readonly description?: string;
}

/** The time of resolution is the command's `occurredAt` (from the body's `resolvedAt`). */
export interface ResolveGrievance {
  readonly type: 'resolve-grievance';
  readonly grievanceId: string;
  readonly outcome: GrievanceOutcome;
}
