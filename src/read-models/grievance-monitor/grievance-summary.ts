import { GRIEVANCE_CATEGORIES } from '../../domain/catalogue.js';
import type { ReadStore, Where } from '../../read-store/read-store.port.js';
import { grievanceStateWhere } from './grievance-filters.js';
import { grievanceMonitorProjection, type GrievanceDocument } from './grievance-monitor.projection.js';

export interface GrievanceSummary {
  readonly open: number;
  readonly overdue: number;
  readonly resolved: number;
  readonly resolvedOnTime: number;
  readonly p50HoursToResolve: number | null;
  readonly p95HoursToResolve: number | null;
  /** Every grievance in scope (open, overdue and resolved) per category; each category listed, 0 too. */
  readonly byCategory: Record<string, number>;
}

const COLLECTION = grievanceMonitorProjection.collection.name;

/**
 * Counts and percentiles straight from indexed queries, as for erasures: hours, and the
 * nearest-rank method (the value at rank ceil(p·n) of the resolved grievances).
 */
export const summariseGrievances = async (store: ReadStore, now: Date, tenantId: string | undefined): Promise<GrievanceSummary> => {
  const scope: Where = tenantId === undefined ? {} : { tenantId };
  const resolvedWhere = { ...scope, ...grievanceStateWhere('resolved', now) };
  const [open, overdue, resolved, resolvedOnTime] = await Promise.all([
    store.count(COLLECTION, { ...scope, ...grievanceStateWhere('open', now) }),
    store.count(COLLECTION, { ...scope, ...grievanceStateWhere('overdue', now) }),
    store.count(COLLECTION, resolvedWhere),
    store.count(COLLECTION, { ...resolvedWhere, resolvedOnTime: true }),
  ]);
  const percentile = async (p: number): Promise<number | null> => {
    if (resolved === 0) return null;
    const [at] = await store.find<GrievanceDocument>(COLLECTION, {
      where: resolvedWhere,
      orderBy: ['hoursToResolve'],
      offset: Math.ceil(p * resolved) - 1,
      limit: 1,
    });
    return at?.hoursToResolve ?? null;
  };
  const byCategory = await Promise.all(
    GRIEVANCE_CATEGORIES.map(async (category) => [category, await store.count(COLLECTION, { ...scope, category })] as const),
  );
  return {
    open,
    overdue,
    resolved,
    resolvedOnTime,
    p50HoursToResolve: await percentile(0.5),
    p95HoursToResolve: await percentile(0.95),
    byCategory: Object.fromEntries(byCategory),
  };
};
