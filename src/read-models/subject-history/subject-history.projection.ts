import { storedPersonalValues, type StoredPersonalValue } from '../../privacy/personal-fields.js';
import { SUBJECT_EVENT_TYPES } from '../../domain/subject/subject.events.js';
import type { ReadDocument } from '../../read-store/read-store.port.js';
import type { DocumentBody, Projection } from '../../projections/projection.js';
import { asSubjectEvent, type StoredSubjectEvent } from '../../projections/subject-event.js';
import { grievanceEntry } from './grievance-entries.js';

/**
 * One fact of a subject's regulator-facing timeline: a sentence in plain words, plus the
 * structured fields an auditor filters and checks by. Fields that do not apply are null,
 * so every entry has the same shape (and the same CSV columns).
 *
 * Personal values (evidence, reasons, transfer references) are kept only as stored in the
 * event, i.e. sealed: the query opens them with the subject's key and composes the public
 * fields (subject-history.view.ts), so this read model never holds plaintext and reads
 * "[erased]" once the key is destroyed, before and after a rebuild alike.
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
  readonly deletionId: string | null;
  readonly dueAt: string | null;
  readonly systems: readonly string[] | null;
  readonly system: string | null;
  readonly grievanceId: string | null;
  readonly category: string | null;
  readonly outcome: string | null;
  readonly resolvedOnTime: boolean | null;
  readonly actor: string;
  /** The event's personal values as stored (sealed), by path; opened at query time. */
  readonly personal: readonly StoredPersonalValue[];
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
  deletionId: null,
  dueAt: null,
  systems: null,
  system: null,
  grievanceId: null,
  category: null,
  outcome: null,
  resolvedOnTime: null,
} as const;

const list = (items: readonly string[]): string => items.join(', ');

/** The structured fields and the sentence of each kind of fact. */
const describe = (event: StoredSubjectEvent): Partial<Body> & { description: string } => {
  switch (event.type) {
    case 'consent-given':
      return {
        description: `Consent given for ${list(event.data.purposes)} under policy ${event.data.policyVersion} via ${event.data.channel}.`,
        purposes: event.data.purposes,
        policyVersion: event.data.policyVersion,
        channel: event.data.channel,
      };
    case 'consent-withdrawn':
      return {
        description: `Consent withdrawn for ${list(event.data.purposes)}${event.data.channel ? ` via ${event.data.channel}` : ''}.`,
        purposes: event.data.purposes,
        channel: event.data.channel ?? null,
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
      };
    case 'erasure-task-delivered':
      return {
        description: `Erasure task delivered to ${event.data.system} (subscription ${event.data.subscriptionId}).`,
        deletionId: event.data.deletionId,
        system: event.data.system,
      };
    case 'subject-data-shredded':
      return {
        description:
          "Personal data crypto-shredded: the subject's data key was destroyed once the erasure completed in every system, " +
          'so the personal values of its earlier facts (evidence, contact details, reasons, references) read [erased] in ' +
          'every copy of the log; every other fact stays.',
        deletionId: event.data.deletionId,
      };
    case 'grievance-lodged':
    case 'grievance-resolved':
      return grievanceEntry(event);
    case 'recipient-notification-required': {
      const about =
        event.data.cause === 'erasure' ? 'the erasure' : `the withdrawal of consent for ${list(event.data.withdrawnPurposes ?? [])}`;
      const who = event.data.recipients.map((r) => `${r.name} (${r.kind}; ${list(r.dataCategories)})`).join('; ');
      return {
        description: `Recipients to be told of ${about} by ${event.data.dueAt}: ${who}.`,
        purposes: event.data.withdrawnPurposes ?? null,
        dataCategories: [...new Set(event.data.recipients.flatMap((r) => r.dataCategories))].sort(),
        deletionId: event.data.deletionId ?? null,
        dueAt: event.data.dueAt,
      };
    }
    case 'recipient-notified':
      return {
        description:
          `Recipient ${event.data.recipientId} told of ${event.data.cause === 'erasure' ? 'the erasure' : 'the withdrawal of consent'} ` +
          `via ${event.data.channel}.`,
        recipientId: event.data.recipientId,
        channel: event.data.channel,
        deletionId: event.data.deletionId ?? null,
      };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

export const subjectHistoryProjection: Projection<HistoryEntryDocument> = {
  name: 'subject-history',
  collection: { name: 'subject_history', indexes: [['tenantId', 'subjectId', 'globalPosition']] },
  // Every fact about the subject is an entry of its timeline.
  handles: SUBJECT_EVENT_TYPES,
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
      personal: storedPersonalValues(stored.type, stored.data),
    };
  },
};
