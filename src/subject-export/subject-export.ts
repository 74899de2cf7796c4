import type { StoredEvent } from '../event-store/event-store.port.js';
import { asSubjectEvent } from '../projections/subject-event.js';
import { evolveSubjectStatus, type SubjectStatusDocument } from '../read-models/subject-status/subject-status.projection.js';
import { subjectStatusView } from '../read-models/subject-status/subject-status.view.js';
import type { DocumentBody } from '../projections/projection.js';
import { grievanceExportView, lodgedGrievance, resolveExported, type GrievanceExportEntry } from './grievance-export.js';
import { notifiedExported, recipientNotificationView, requiredNotice, type RecipientNotificationEntry } from './recipient-notice-export.js';

/**
 * Everything the ledger holds about one subject, for an access request: built from the
 * subject's own events (the source of truth), not from read models, so nothing a
 * projection dropped or has not yet applied can be missing. The events come with their
 * personal values already opened (or "[erased]" after shredding) by the caller.
 */
export const buildSubjectExport = (tenantId: string, subjectId: string, events: readonly StoredEvent[], now: Date) => {
  const consents = [];
  const withdrawals = [];
  const transfers = [];
  const erasures = new Map<string, ErasureEntry>();
  const grievances = new Map<string, GrievanceExportEntry>();
  const notices = new Map<string, RecipientNotificationEntry>();
  let status: DocumentBody<SubjectStatusDocument> | null = null;
  for (const stored of events) {
    status = evolveSubjectStatus(status, stored) ?? status;
    const event = asSubjectEvent(stored);
    if (!event) continue;
    const base = { eventId: stored.id, occurredAt: stored.occurredAt, recordedAt: stored.recordedAt, actor: stored.metadata.actor };
    switch (event.type) {
      case 'consent-given':
        consents.push({
          ...base,
          purposes: event.data.purposes,
          policyVersion: event.data.policyVersion,
          channel: event.data.channel,
          evidence: event.data.evidence ?? null,
        });
        break;
      case 'consent-withdrawn':
        withdrawals.push({
          ...base,
          purposes: event.data.purposes,
          channel: event.data.channel ?? null,
          reason: event.data.reason ?? null,
        });
        break;
      case 'data-transferred':
        transfers.push({
          ...base,
          transferId: event.data.transferId,
          recipient: event.data.recipient,
          country: event.data.country,
          dataCategories: event.data.dataCategories,
          purpose: event.data.purpose,
          legalBasis: event.data.legalBasis,
          reference: event.data.reference ?? null,
        });
        break;
      case 'deletion-requested':
        erasures.set(event.data.deletionId, {
          deletionId: event.data.deletionId,
          eventId: stored.id,
          trigger: event.data.trigger,
          reason: event.data.reason ?? null,
          requestedAt: event.data.requestedAt,
          dueAt: event.data.dueAt,
          systems: event.data.systems,
          confirmations: [],
          completedAt: null,
          completedOnTime: null,
          shreddedAt: null,
        });
        break;
      case 'deletion-completed': {
        const erasure = erasures.get(event.data.deletionId);
        if (!erasure) break;
        erasure.confirmations.push({
          system: event.data.system,
          completedAt: event.data.completedAt,
          evidence: event.data.evidence ?? null,
          eventId: stored.id,
        });
        if (event.data.remainingSystems.length === 0) {
          erasure.completedAt = event.data.completedAt;
          erasure.completedOnTime = event.data.completedAt <= erasure.dueAt;
        }
        break;
      }
      case 'erasure-task-delivered':
        // The erasure monitor shows deliveries; the subject's own export lists what was done about their data.
        break;
      case 'grievance-lodged':
        grievances.set(event.data.grievanceId, lodgedGrievance(stored, event));
        break;
      case 'grievance-resolved': {
        const grievance = grievances.get(event.data.grievanceId);
        if (grievance) resolveExported(grievance, stored, event);
        break;
      }
      case 'recipient-notification-required':
        notices.set(event.data.notificationId, requiredNotice(stored, event));
        break;
      case 'recipient-notified': {
        const notice = notices.get(event.data.notificationId);
        if (notice) notifiedExported(notice, stored, event);
        break;
      }
      case 'subject-data-shredded': {
        const erasure = erasures.get(event.data.deletionId);
        if (erasure) erasure.shreddedAt = event.data.shreddedAt;
        break;
      }
      default: {
        const unreachable: never = event;
        return unreachable;
      }
    }
  }
  return {
    tenantId,
    subjectId,
    exportedAt: now.toISOString(),
    eventCount: events.length,
    status: status ? subjectStatusView(status, now) : null,
    consents,
    withdrawals,
    transfers,
    recipients: recipientsOf(transfers),
    erasures: [...erasures.values()].map((erasure) => {
      // The erasure's notice has the erasure's id (none when nothing was transferred before it).
      const notice = notices.get(erasure.deletionId);
      return { ...erasure, recipients: notice ? recipientNotificationView(notice, now).recipients : [] };
    }),
    recipientNotifications: [...notices.values()].map((notice) => recipientNotificationView(notice, now)),
    grievances: [...grievances.values()].map((grievance) => grievanceExportView(grievance, now)),
  };
};

export type SubjectExport = ReturnType<typeof buildSubjectExport>;

interface ErasureEntry {
  deletionId: string;
  eventId: string;
  trigger: string;
  reason: string | null;
  requestedAt: string;
  dueAt: string;
  systems: readonly string[];
  confirmations: { system: string; completedAt: string; evidence: string | null; eventId: string }[];
  completedAt: string | null;
  completedOnTime: boolean | null;
  /** When the subject's data key was destroyed after this erasure (its personal values now read "[erased]"). */
  shreddedAt: string | null;
}

/** The recipients an access right requires: who received data, of which kind, where, what, and when. */
const recipientsOf = (
  transfers: readonly {
    recipient: { id: string; name: string; kind: string };
    country: string;
    dataCategories: readonly string[];
    occurredAt: string;
  }[],
) => {
  const byId = new Map<
    string,
    {
      id: string;
      name: string;
      kind: string;
      countries: Set<string>;
      dataCategories: Set<string>;
      transfers: number;
      firstAt: string;
      lastAt: string;
    }
  >();
  for (const t of transfers) {
    const entry = byId.get(t.recipient.id) ?? {
      ...t.recipient,
      countries: new Set(),
      dataCategories: new Set(),
      transfers: 0,
      firstAt: t.occurredAt,
      lastAt: t.occurredAt,
    };
    entry.countries.add(t.country);
    t.dataCategories.forEach((c) => entry.dataCategories.add(c));
    entry.transfers += 1;
    if (t.occurredAt < entry.firstAt) entry.firstAt = t.occurredAt;
    if (t.occurredAt > entry.lastAt) entry.lastAt = t.occurredAt;
    byId.set(t.recipient.id, entry);
  }
  return [...byId.values()].map((r) => ({ ...r, countries: [...r.countries].sort(), dataCategories: [...r.dataCategories].sort() }));
};
