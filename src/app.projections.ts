import { merkleLeavesProjection } from './evidence/merkle-leaves.projection.js';
import { erasureMonitorProjection } from './read-models/erasure-monitor/erasure-monitor.projection.js';
import { consentGrantsProjection } from './read-models/consent-grants/consent-grants.projection.js';
import { policyNoticesProjection } from './read-models/policy-register/policy-notices.projection.js';
import { policyRegisterProjection } from './read-models/policy-register/policy-register.projection.js';
import { grievanceMonitorProjection } from './read-models/grievance-monitor/grievance-monitor.projection.js';
import { transferSummaryProjection } from './read-models/processing-record/transfer-summary.projection.js';
import type { Projection } from './projections/projection.js';
import { subjectHistoryProjection } from './read-models/subject-history/subject-history.projection.js';
import { subjectStatusProjection } from './read-models/subject-status/subject-status.projection.js';
import { transferRegisterProjection } from './read-models/transfer-register/transfer-register.projection.js';

/**
 * Every read model the runner keeps up to date, each owned by its feature (read-models,
 * evidence). The composition root lists them because it alone may know every feature; the
 * order is the one GET /health and the projection gauges list them in.
 */
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
