import type { ReadStore, Where } from '../../read-store/read-store.port.js';
import { erasureMonitorProjection, type ErasureDocument } from './erasure-monitor.projection.js';
import { erasureStateWhere } from './erasure-filters.js';

export interface ErasureSummary {
  readonly open: number;
  readonly overdue: number;
  readonly completed: number;
  readonly completedOnTime: number;
  readonly p50HoursToComplete: number | null;
  readonly p95HoursToComplete: number | null;
  readonly pendingBySystem: Record<string, number>;
}

const COLLECTION = erasureMonitorProjection.collection.name;

/**
 * Counts and percentiles straight from indexed queries (no scan of every erasure into
 * memory). Percentiles use the nearest-rank method: the value at rank ceil(p·n).
 */
export const summariseErasures = async (
  store: ReadStore,
  now: Date,
  systems: readonly string[],
  tenantId: string | undefined,
): Promise<ErasureSummary> => {
  const scope: Where = tenantId === undefined ? {} : { tenantId };
  const completedWhere = { ...scope, ...erasureStateWhere('completed', now) };
  const [open, overdue, completed, completedOnTime] = await Promise.all([
    store.count(COLLECTION, { ...scope, ...erasureStateWhere('open', now) }),
    store.count(COLLECTION, { ...scope, ...erasureStateWhere('overdue', now) }),
    store.count(COLLECTION, completedWhere),
    store.count(COLLECTION, { ...completedWhere, completedOnTime: true }),
  ]);
  const percentile = async (p: number): Promise<number | null> => {
    if (completed === 0) return null;
    const rank = Math.ceil(p * completed);
    const [at] = await store.find<ErasureDocument>(COLLECTION, {
      where: completedWhere,
      orderBy: ['hoursToComplete'],
      offset: rank - 1,
      limit: 1,
    });
    return at?.hoursToComplete ?? null;
  };
  const pending = await Promise.all(
    systems.map(
      async (system) => [system, await store.count(COLLECTION, { ...scope, state: 'open', pendingSystems: { contains: system } })] as const,
    ),
  );
  return {
    open,
    overdue,
    completed,
    completedOnTime,
    p50HoursToComplete: await percentile(0.5),
    p95HoursToComplete: await percentile(0.95),
    pendingBySystem: Object.fromEntries(pending),
  };
};
