import type { StoredEvent } from '../../event-store/event-store.port.js';
import { SUBJECT_EVENT_TYPES } from '../../domain/subject/subject.events.js';
import type { ReadDocument } from '../../read-store/read-store.port.js';
import type { DocumentBody, Projection } from '../../projections/projection.js';
import { asSubjectEvent, subjectKey } from '../../projections/subject-event.js';

export interface PurposeStatus {
  readonly status: 'granted' | 'withdrawn';
  readonly policyVersion: string;
  readonly since: string;
  /** The event that put the purpose in this state: the proof. */
  readonly eventId: string;
}

export interface ErasureStatus {
  /** Stored states; `overdue` is derived from `dueAt` and the clock when read. */
  readonly state: 'none' | 'open' | 'completed';
  readonly deletionId: string | null;
  readonly requestedAt: string | null;
  readonly dueAt: string | null;
  readonly completedAt: string | null;
  readonly systems: readonly string[];
  readonly pendingSystems: readonly string[];
  readonly eventIds: readonly string[];
}

export interface SubjectStatusDocument extends ReadDocument {
  readonly tenantId: string;
  readonly subjectId: string;
  readonly subjectType: string | null;
  readonly purposes: Readonly<Record<string, PurposeStatus>>;
  readonly erasure: ErasureStatus;
  readonly firstRecordedAt: string;
  readonly lastOccurredAt: string;
  readonly eventCount: number;
}

const NO_ERASURE: ErasureStatus = {
  state: 'none',
  deletionId: null,
  requestedAt: null,
  dueAt: null,
  completedAt: null,
  systems: [],
  pendingSystems: [],
  eventIds: [],
};

/** Pure fold of one subject's status; also used to answer `?asOf=` from the raw events. */
export const evolveSubjectStatus = (
  current: DocumentBody<SubjectStatusDocument> | null,
  stored: StoredEvent,
): DocumentBody<SubjectStatusDocument> | null => {
  const event = asSubjectEvent(stored);
  if (!event) return null;
  const base: DocumentBody<SubjectStatusDocument> = current ?? {
    tenantId: stored.metadata.tenantId,
    subjectId: stored.metadata.subjectId,
    subjectType: null,
    purposes: {},
    erasure: NO_ERASURE,
    firstRecordedAt: stored.recordedAt,
    lastOccurredAt: stored.occurredAt,
    eventCount: 0,
  };
  const next = {
    ...base,
    eventCount: base.eventCount + 1,
    lastOccurredAt: stored.occurredAt > base.lastOccurredAt ? stored.occurredAt : base.lastOccurredAt,
  };
  switch (event.type) {
    case 'consent-given': {
      const purposes = { ...next.purposes };
      for (const purpose of event.data.purposes) {
        purposes[purpose] = { status: 'granted', policyVersion: event.data.policyVersion, since: event.occurredAt, eventId: event.id };
      }
      return { ...next, purposes, subjectType: event.data.subjectType ?? next.subjectType };
    }
    case 'consent-withdrawn': {
      const purposes = { ...next.purposes };
      for (const purpose of event.data.purposes) {
        purposes[purpose] = {
          status: 'withdrawn',
          policyVersion: purposes[purpose]?.policyVersion ?? '',
          since: event.occurredAt,
          eventId: event.id,
        };
      }
      return { ...next, purposes };
    }
    case 'data-transferred':
    case 'recipient-notification-required':
    case 'recipient-notified':
    case 'erasure-task-delivered':
    case 'grievance-lodged':
    case 'grievance-resolved':
      return next;
    case 'subject-data-shredded':
      // Part of the erasure's proof: its personal data went with it, in the same append.
      if (next.erasure.deletionId !== event.data.deletionId) return next;
      return { ...next, erasure: { ...next.erasure, eventIds: [...next.erasure.eventIds, event.id] } };
    case 'deletion-requested':
      return {
        ...next,
        erasure: {
          state: 'open',
          deletionId: event.data.deletionId,
          requestedAt: event.data.requestedAt,
          dueAt: event.data.dueAt,
          completedAt: null,
          systems: event.data.systems,
          pendingSystems: event.data.systems,
          eventIds: [event.id],
        },
      };
    case 'deletion-completed': {
      const erasure = next.erasure;
      if (erasure.deletionId !== event.data.deletionId) return next;
      const pendingSystems = erasure.pendingSystems.filter((system) => system !== event.data.system);
      return {
        ...next,
        erasure: {
          ...erasure,
          pendingSystems,
          state: pendingSystems.length === 0 ? 'completed' : 'open',
          completedAt: pendingSystems.length === 0 ? event.data.completedAt : null,
          eventIds: [...erasure.eventIds, event.id],
        },
      };
    }
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

export const subjectStatusProjection: Projection<SubjectStatusDocument> = {
  name: 'subject-status',
  collection: {
    name: 'subject_status',
    indexes: [
      ['tenantId', 'subjectId'],
      ['tenantId', 'subjectType'],
    ],
  },
  // Grievances change no status field, but a subject known only by a grievance is still known.
  handles: SUBJECT_EVENT_TYPES,
  documentId: (event) => subjectKey(event.metadata.tenantId, event.metadata.subjectId),
  evolve: evolveSubjectStatus,
};
