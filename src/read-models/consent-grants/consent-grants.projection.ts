import { PURPOSES } from '../../domain/catalogue.js';
import type { ReadDocument } from '../../read-store/read-store.port.js';
import type { Projection } from '../../projections/projection.js';
import { asSubjectEvent } from '../../projections/subject-event.js';

/** Where one subject stands on one purpose: the row a re-consent list or a per-purpose count reads. */
export interface ConsentGrantDocument extends ReadDocument {
  readonly tenantId: string;
  readonly subjectId: string;
  readonly purpose: string;
  /** `erased`: the subject's erasure completed in every system; its data is no longer processed. */
  readonly status: 'granted' | 'withdrawn' | 'erased';
  /** The version the consent was given under (kept after a withdrawal, like the subject status). */
  readonly policyVersion: string;
  readonly since: string;
  /** The event that put the purpose in this state: the proof. */
  readonly eventId: string;
}

/**
 * Key of one subject's grant of one purpose: each part URI-encoded and joined by '/', which
 * encoding never leaves in place, so no tenant, subject or purpose can forge another's key.
 */
export const consentGrantKey = (tenantId: string, subjectId: string, purpose: string): string =>
  [tenantId, subjectId, purpose].map(encodeURIComponent).join('/');

const HANDLES = ['consent-given', 'consent-withdrawn', 'deletion-completed'] as const;

const isFinalCompletion = (event: ReturnType<typeof asSubjectEvent>): boolean =>
  event?.type === 'deletion-completed' && event.data.remainingSystems.length === 0;

/**
 * One document per tenant, subject and purpose, so that "who has purpose P granted" and
 * "whose grants rest on a version other than these" are plain indexed queries.
 */
export const consentGrantsProjection: Projection<ConsentGrantDocument> = {
  name: 'consent-grants',
  collection: {
    name: 'consent_grants',
    indexes: [
      // Subjects granted a purpose (counted for processing records).
      ['tenantId', 'purpose', 'status'],
      // Grants by version.
      ['tenantId', 'status', 'policyVersion'],
      // The re-consent list: granted, in subject order, paged by subject.
      ['tenantId', 'status', 'subjectId', 'purpose'],
    ],
  },
  handles: HANDLES,
  // Every consent event names its purposes (a withdrawal of "everything" is recorded with
  // the purposes it withdrew), so its documents are known from the event alone.
  documentId: () => null,
  documentIds: (event) => {
    const subjectEvent = asSubjectEvent(event);
    // The last confirmation of an erasure names no purposes: it may touch any of the
    // catalogue's (evolve leaves the ones the subject never had alone).
    if (isFinalCompletion(subjectEvent)) {
      return PURPOSES.map((purpose) => consentGrantKey(event.metadata.tenantId, event.metadata.subjectId, purpose));
    }
    if (subjectEvent?.type !== 'consent-given' && subjectEvent?.type !== 'consent-withdrawn') return [];
    const { tenantId, subjectId } = event.metadata;
    return [...new Set(subjectEvent.data.purposes)].map((purpose) => consentGrantKey(tenantId, subjectId, purpose));
  },
  evolve: (current, stored, id) => {
    const event = asSubjectEvent(stored);
    if (isFinalCompletion(event)) return current === null ? null : { ...current, status: 'erased', since: stored.occurredAt, eventId: stored.id };
    if (event?.type !== 'consent-given' && event?.type !== 'consent-withdrawn') return null;
    const { tenantId, subjectId } = stored.metadata;
    // The runner names the document; which purpose it is follows from the event.
    const purpose = event.data.purposes.find((p) => consentGrantKey(tenantId, subjectId, p) === id);
    if (purpose === undefined) return null;
    const base = { tenantId, subjectId, purpose, since: stored.occurredAt, eventId: stored.id };
    if (event.type === 'consent-given') return { ...base, status: 'granted', policyVersion: event.data.policyVersion };
    return { ...base, status: 'withdrawn', policyVersion: current?.policyVersion ?? '' };
  },
};
