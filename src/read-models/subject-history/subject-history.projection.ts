import type { ReadDocument } from '../../read-store/read-store.port.js';
import type { DocumentBody, Projection } from '../projection.js';
import { asSubjectEvent, type StoredSubjectEvent } from '../shared/subject-event.js';
import { grievanceEntry } from './grievance-entries.js';

/**
 * One fact of a subject's regulator-facing timeline: a sentence in plain words, plus the
 * structured fields an auditor filters and checks by. Fields that do not apply are null,
 * so every entry has the same shape (and the same CSV columns).
 */
export interface HistoryEntryDocument extends ReadDocument {
  readonly tenantId: string;
  readonly subjectId: string;
  readonly eventId: string;
  readonly type: string;
  readonly globalPosition: number;
  readonly streamPosition: number;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly description: string;
  readonly purposes: readonly string[] | null;
  readonly policyVersion: string | null;
  readonly channel: string | null;
  readonly recipientId: string | null;
  readonly recipientName: string | null;
  readonly recipientKind: string | null;
  readonly country: string | null;
  readonly dataCategories: readonly string[] | null;
  readonly legalBasis: string | null;
  readonly transferReference: string | null;
  readonly deletionId: string | null;
  readonly dueAt: string | null;
  readonly systems: readonly string[] | null;
  readonly system: string | null;
  readonly evidence: string | null;
  readonly reason: string | null;
  readonly grievanceId: string | null;
  readonly category: string | null;
  readonly outcome: string | null;
  readonly resolvedOnTime: boolean | null;
  /** The subject's own words (personal data), verbatim from the event's `description`. */
  readonly grievanceDescription: string | null;
  readonly actor: string;
}

type Body = DocumentBody<HistoryEntryDocument>;

const EMPTY = {
  purposes: null,
  policyVersion: null,
  channel: null,
  recipientId: null,
  recipientName: null,
  recipientKind: null,
  country: null,
  dataCategories: null,
  legalBasis: null,
  transferReference: null,
  deletionId: null,
  dueAt: null,
  systems: null,
  system: null,
  evidence: null,
  reason: null,
  grievanceId: null,
  category: null,
  outcome: null,
  resolvedOnTime: null,
  grievanceDescription: null,
} as const;

const list = (items: readonly string[]): string => items.join(', ');

/** The structured fields and the sentence of each kind of fact. */
const describe = (event: StoredSubjectEvent): Partial<Body> & { description: string } => {
  switch (event.type) {
    case 'consent-given': {
      const { evidence } = event.data;
      const evidenceText = evidence
        ? [evidence.ipAddress && `IP ${evidence.ipAddress}`, evidence.userAgent && `agent ${evidence.userAgent}`, evidence.contact && `contact ${evidence.contact}`]
            .filter(Boolean)
            .join('; ')
        : '';
      return {
        description: `Consent given for ${list(event.data.purposes)} under policy ${event.data.policyVersion} via ${event.data.channel}.`,
        purposes: event.data.purposes,
        policyVersion: event.data.policyVersion,
        channel: event.data.channel,
        evidence: evidenceText === '' ? null : evidenceText,
      };
    }
    case 'consent-withdrawn':
      return {
        description: `Consent withdrawn for ${list(event.data.purposes)}${event.data.channel ? ` via ${event.data.channel}` : ''}.`,
        purposes: event.data.purposes,
        channel: event.data.channel ?? null,
        reason: event.data.reason ?? null,
      };
    case 'data-transferred': {
      const { recipient } = event.data;
      return {
        description:
          `Data (${list(event.data.dataCategories)}) transferred to ${recipient.name} (${recipient.kind}) in ${event.data.country} ` +
          `for ${event.data.purpose} on the legal basis of ${event.data.legalBasis}.`,
        purposes: [event.data.purpose],
        recipientId: recipient.id,
        recipientName: recipient.name,
        recipientKind: recipient.kind,
        country: event.data.country,
        dataCategories: event.data.dataCategories,
        legalBasis: event.data.legalBasis,
        transferReference: event.data.reference ?? null,
      };
    }
    case 'deletion-requested':
      return {
        description:
          `Erasure requested (${event.data.trigger === 'subject-request' ? 'by the subject' : 'no consent left'}); ` +
          `due by ${event.data.dueAt} in ${list(event.data.systems)}.`,
        deletionId: event.data.deletionId,
        dueAt: event.data.dueAt,
        systems: event.data.systems,
        reason: event.data.reason ?? null,
      };
    case 'deletion-completed':
      return {
        description:
          `Erasure confirmed in ${event.data.system}` +
          (event.data.remainingSystems.length === 0
            ? '; erasure complete in every system.'
            : `; still pending in ${list(event.data.remainingSystems)}.`),
        deletionId: event.data.deletionId,
        system: event.data.system,
        systems: event.data.remainingSystems,
        evidence: event.data.evidence ?? null,
      };
    case 'grievance-lodged':
    case 'grievance-resolved':
      return grievanceEntry(event);
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

export const subjectHistoryProjection: Projection<HistoryEntryDocument> = {
  name: 'subject-history',
  collection: { name: 'subject_history', indexes: [['tenantId', 'subjectId', 'globalPosition']] },
  handles: [
    'consent-given',
    'consent-withdrawn',
    'data-transferred',
    'deletion-requested',
    'deletion-completed',
    'grievance-lodged',
    'grievance-resolved',
  ],
  documentId: (event) => event.id,
  evolve: (current, stored) => {
    const event = asSubjectEvent(stored);
    if (current || !event) return null;
    return {
      tenantId: stored.metadata.tenantId,
      subjectId: stored.metadata.subjectId,
      eventId: stored.id,
      type: stored.type,
      globalPosition: stored.globalPosition,
      streamPosition: stored.streamPosition,
      occurredAt: stored.occurredAt,
      recordedAt: stored.recordedAt,
      actor: stored.metadata.actor,
      ...EMPTY,
      ...describe(event),
    };
  },
};
