import type { StoredEvent } from '../event-store/event-store.port.js';
import { isSubjectEventType, type SubjectEvent } from '../domain/subject/subject.events.js';

/** A stored subject event with its data typed as the domain defines it. */
export type StoredSubjectEvent = StoredEvent & SubjectEvent;

export const asSubjectEvent = (event: StoredEvent): StoredSubjectEvent | null =>
  isSubjectEventType(event.type) ? (event as unknown as StoredSubjectEvent) : null;

/** Read-model key of one data subject: both parts URI-encoded so neither can forge the other. */
export const subjectKey = (tenantId: string, subjectId: string): string =>
  `${encodeURIComponent(tenantId)}/${encodeURIComponent(subjectId)}`;
