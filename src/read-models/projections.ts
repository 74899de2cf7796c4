import { merkleLeavesProjection } from '../evidence/merkle-leaves.projection.js';
import { erasureMonitorProjection } from './erasure-monitor/erasure-monitor.projection.js';
import { consentGrantsProjection } from './consent-grants/consent-grants.projection.js';
import { policyNoticesProjection } from './policy-register/policy-notices.projection.js';
import { policyRegisterProjection } from './policy-register/policy-register.projection.js';
import { grievanceMonitorProjection } from './grievance-monitor/grievance-monitor.projection.js';
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
  grievanceMonitorProjection,
  merkleLeavesProjection,
  consentGrantsProjection,
  policyRegisterProjection,
  policyNoticesProjection,
  transferSummaryProjection,
] as readonly Projection[];

export const projectionNamed = (name: string): Projection | undefined => PROJECTIONS.find((p) => p.name === name);
