import type { GrievanceLodged, GrievanceResolved } from '../domain/subject/grievance.events.js';
import type { StoredEvent } from '../event-store/event-store.port.js';

/** One grievance as an access request shows it: when and how it came, by when it was due, how it ended. */
export interface GrievanceExportEntry {
  grievanceId: string;
  eventId: string;
  category: string;
  channel: string;
  /** The subject's own words (personal data), verbatim from the event's `description`. */
  description: string | null;
  receivedAt: string;
  recordedAt: string;
  dueAt: string;
  actor: string;
  outcome: string | null;
  resolvedAt: string | null;
  resolvedOnTime: boolean | null;
  resolutionEventId: string | null;
}

export const lodgedGrievance = (stored: StoredEvent, event: GrievanceLodged): GrievanceExportEntry => ({
  grievanceId: event.data.grievanceId,
  eventId: stored.id,
  category: event.data.category,
  channel: event.data.channel,
  description: event.data.description ?? null,
  receivedAt: event.data.receivedAt,
  recordedAt: stored.recordedAt,
  dueAt: event.data.dueAt,
  actor: stored.metadata.actor,
  outcome: null,
  resolvedAt: null,
  resolvedOnTime: null,
  resolutionEventId: null,
});

export const resolveExported = (entry: GrievanceExportEntry, stored: StoredEvent, event: GrievanceResolved): void => {
  entry.outcome = event.data.outcome;
  entry.resolvedAt = event.data.resolvedAt;
  entry.resolvedOnTime = event.data.resolvedOnTime;
  entry.resolutionEventId = stored.id;
};

/** `overdue` is judged at the export's own instant, like an erasure's state in the status. */
export const grievanceExportView = (entry: GrievanceExportEntry, now: Date) => ({
  ...entry,
  state: entry.resolvedAt !== null ? 'resolved' : Date.parse(entry.dueAt) < now.getTime() ? 'overdue' : 'open',
});
