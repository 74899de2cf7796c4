import { PURPOSES } from '../../domain/catalogue.js';
import { PURPOSE_DESCRIPTIONS } from '../../domain/purpose-descriptions.js';
import type { ReadStore } from '../../read-store/read-store.port.js';
import { consentGrantsProjection } from '../consent-grants/consent-grants.projection.js';
import { summariseErasures } from '../erasure-monitor/erasure-summary.js';
import { summariseGrievances } from '../grievance-monitor/grievance-summary.js';
import { subjectStatusProjection } from '../subject-status/subject-status.projection.js';
import { transferSummaryProjection, type TransferSummaryDocument } from './transfer-summary.projection.js';

/** What the record is computed with, besides the read models. */
export interface RecordSettings {
  readonly jurisdiction: string;
  readonly erasureDays: number;
  readonly erasureSystems: readonly string[];
  /** LEDGER_GRIEVANCE_DAYS; undefined: one calendar month. */
  readonly grievanceDays: number | undefined;
}

const SUBJECT_TYPES = ['authorised-user', 'end-user'] as const;

/**
 * A tenant's record of processing, generated from the ledger's own facts: what a regulator
 * asks for first (purposes, categories of people and data, recipients, transfers abroad,
 * erasure deadlines kept). Every number is a count of recorded events or of subjects in a
 * state; nothing is typed in by hand, so the record cannot drift from what happened.
 */
export const buildProcessingRecord = async (store: ReadStore, tenantId: string, now: Date, settings: RecordSettings) => {
  // Subjects whose erasure completed are `erased` there, not `granted`: no longer processed.
  const countGranted = (purpose: string) => store.count(consentGrantsProjection.collection.name, { tenantId, purpose, status: 'granted' });
  const statusCollection = subjectStatusProjection.collection.name;
  const [summary, subjectsTotal, subjectsByType, erasures, grievances, granted] = await Promise.all([
    store.get<TransferSummaryDocument>(transferSummaryProjection.collection.name, tenantId),
    store.count(statusCollection, { tenantId }),
    Promise.all(SUBJECT_TYPES.map(async (type) => [type, await store.count(statusCollection, { tenantId, subjectType: type })] as const)),
    summariseErasures(store, now, settings.erasureSystems, tenantId),
    summariseGrievances(store, now, tenantId),
    Promise.all(PURPOSES.map(async (purpose) => [purpose, await countGranted(purpose)] as const)),
  ]);
  const transfersFor = (purpose: string) => summary?.purposes.find((t) => t.key === purpose)?.transfers ?? 0;
  const typed = subjectsByType.reduce((sum, [, n]) => sum + n, 0);
  const destinations = summary?.destinations ?? [];
  const completed = erasures.completed;
  return {
    tenantId,
    generatedAt: now.toISOString(),
    jurisdiction: settings.jurisdiction,
    purposes: granted
      .map(([purpose, subjectsGranted]) => ({
        purpose,
        description: PURPOSE_DESCRIPTIONS[purpose],
        subjectsGranted,
        transfers: transfersFor(purpose),
      }))
      .filter((p) => p.subjectsGranted > 0 || p.transfers > 0),
    subjects: {
      total: subjectsTotal,
      byType: { ...Object.fromEntries(subjectsByType), unspecified: subjectsTotal - typed },
    },
    transfers: summary?.transfers ?? 0,
    dataCategoriesTransferred: (summary?.dataCategories ?? []).map(({ key, transfers }) => ({ category: key, transfers })),
    legalBases: (summary?.legalBases ?? []).map(({ key, transfers }) => ({ legalBasis: key, transfers })),
    recipients: summary?.recipients ?? [],
    recipientsByKindAndCountry: (summary?.byKindAndCountry ?? []).map(({ kind, country, transfers, recipientIds }) => ({
      kind,
      country,
      recipients: recipientIds.length,
      transfers,
    })),
    crossBorder: destinations
      .filter((d) => d.country !== settings.jurisdiction)
      .map(({ recipientIds, ...destination }) => ({ ...destination, recipients: recipientIds.length })),
    erasure: {
      deadlineDays: settings.erasureDays,
      systems: settings.erasureSystems,
      requested: erasures.open + erasures.overdue + completed,
      open: erasures.open,
      overdue: erasures.overdue,
      completed,
      completedOnTime: erasures.completedOnTime,
      onTimeShare: completed === 0 ? null : Math.round((erasures.completedOnTime / completed) * 10_000) / 10_000,
      p50HoursToComplete: erasures.p50HoursToComplete,
      p95HoursToComplete: erasures.p95HoursToComplete,
    },
    grievances: {
      deadline: settings.grievanceDays === undefined ? 'one calendar month' : `${settings.grievanceDays} days`,
      lodged: grievances.open + grievances.overdue + grievances.resolved,
      open: grievances.open,
      overdue: grievances.overdue,
      resolved: grievances.resolved,
      resolvedOnTime: grievances.resolvedOnTime,
      onTimeShare: grievances.resolved === 0 ? null : Math.round((grievances.resolvedOnTime / grievances.resolved) * 10_000) / 10_000,
    },
  };
};

export type ProcessingRecord = Awaited<ReturnType<typeof buildProcessingRecord>>;
