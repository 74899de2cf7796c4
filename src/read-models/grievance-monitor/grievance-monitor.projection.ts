import type { ReadDocument } from '../../read-store/read-store.port.js';
import type { Projection } from '../../projections/projection.js';
import { asSubjectEvent } from '../../projections/subject-event.js';

/**
 * One grievance, as ops watch it. Deliberately without the subject's description: this
 * read model is for counting and chasing deadlines, and holds no personal data.
 */
export interface GrievanceDocument extends ReadDocument {
  readonly grievanceId: string;
  readonly tenantId: string;
  readonly subjectId: string;
  /** Stored states; `overdue` is `open` past `dueAt`, decided by the clock when read. */
  readonly state: 'open' | 'resolved';
  readonly category: string;
  readonly channel: string;
  readonly receivedAt: string;
  readonly dueAt: string;
  readonly resolvedAt: string | null;
  readonly outcome: string | null;
  readonly hoursToResolve: number | null;
  readonly resolvedOnTime: boolean | null;
}

const HOUR_MS = 60 * 60 * 1000;

export const grievanceMonitorProjection: Projection<GrievanceDocument> = {
  name: 'grievance-monitor',
  collection: {
    name: 'grievance_monitor',
    indexes: [
      ['state', 'dueAt'],
      ['tenantId', 'state', 'dueAt'],
      ['receivedAt'],
      ['tenantId', 'receivedAt'],
      ['state', 'receivedAt'],
      ['tenantId', 'state', 'receivedAt'],
      ['state', 'hoursToResolve'],
      ['tenantId', 'state', 'hoursToResolve'],
      ['category'],
      ['tenantId', 'category'],
    ],
  },
  handles: ['grievance-lodged', 'grievance-resolved'],
  documentId: (stored) => {
    const event = asSubjectEvent(stored);
    return event?.type === 'grievance-lodged' || event?.type === 'grievance-resolved' ? event.data.grievanceId : null;
  },
  evolve: (current, stored) => {
    const event = asSubjectEvent(stored);
    if (event?.type === 'grievance-lodged') {
      if (current) return null;
      return {
        grievanceId: event.data.grievanceId,
        tenantId: stored.metadata.tenantId,
        subjectId: stored.metadata.subjectId,
        state: 'open',
        category: event.data.category,
        channel: event.data.channel,
        receivedAt: event.data.receivedAt,
        dueAt: event.data.dueAt,
        resolvedAt: null,
        outcome: null,
        hoursToResolve: null,
        resolvedOnTime: null,
      };
    }
    if (event?.type !== 'grievance-resolved' || !current || current.state === 'resolved') return null;
    const resolvedAt = event.data.resolvedAt;
    return {
      ...current,
      state: 'resolved',
      resolvedAt,
      outcome: event.data.outcome,
      hoursToResolve: Math.round(((Date.parse(resolvedAt) - Date.parse(current.receivedAt)) / HOUR_MS) * 100) / 100,
      // As decided when it was recorded (resolvedAt <= dueAt), like the history and the export show it.
      resolvedOnTime: event.data.resolvedOnTime,
    };
  },
};
