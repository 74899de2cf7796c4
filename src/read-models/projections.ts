import { merkleLeavesProjection } from '../evidence/merkle-leaves.projection.js';
import { erasureMonitorProjection } from './erasure-monitor/erasure-monitor.projection.js';
import { transferSummaryProjection } from './processing-record/transfer-summary.projection.js';
import type { Projection } from './projection.js';
import { subjectHistoryProjection } from './subject-history/subject-history.projection.js';
import { subjectStatusProjection } from './subject-status/subject-status.projection.js';
import { transferRegisterProjection } from './transfer-register/transfer-register.projection.js';

/** Every read model the runner keeps up to date. */
export const PROJECTIONS: readonly Projection[] = [
  subjectStatusProjection,
  subjectHistoryProjection,
  transferRegisterProjection,
  erasureMonitorProjection,
  merkleLeavesProjection,
  transferSummaryProjection,
] as readonly Projection[];

export const projectionNamed = (name: string): Projection | undefined => PROJECTIONS.find((p) => p.name === name);
