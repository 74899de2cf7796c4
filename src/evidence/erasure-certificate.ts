import type { StoredEvent } from '../event-store/event-store.port.js';
import { asSubjectEvent } from '../projections/subject-event.js';

export interface ErasureCertificate {
  readonly tenantId: string;
  readonly subjectId: string;
  readonly deletionId: string;
  readonly trigger: string;
  readonly requestedAt: string;
  readonly dueAt: string;
  readonly completedAt: string;
  readonly completedOnTime: boolean;
  readonly systems: readonly { system: string; completedAt: string; evidence: string | null; eventId: string }[];
  /** The recipients to be told of the erasure (Art. 19), as known when the certificate is issued. */
  readonly recipients: readonly CertifiedRecipient[];
  /**
   * The deletion-requested event's id first, then every deletion-completed id in stream
   * order, then the erasure's recipient-notification-required and recipient-notified ids.
   */
  readonly eventIds: readonly string[];
  readonly issuedAt: string;
}

export interface CertifiedRecipient {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly dataCategories: readonly string[];
  /** At issuance: `overdue` is not told past the erasure's `dueAt`. */
  readonly state: 'owed' | 'overdue' | 'notified';
  readonly notifiedAt: string | null;
  readonly channel: string | null;
  readonly eventId: string | null;
}

export type ErasureCertificateOutcome =
  | { readonly state: 'none' }
  | { readonly state: 'open'; readonly deletionId: string; readonly pendingSystems: readonly string[] }
  | { readonly state: 'completed'; readonly certificate: ErasureCertificate };

interface Draft {
  deletionId: string;
  requestEventId: string;
  trigger: string;
  requestedAt: string;
  dueAt: string;
  pending: readonly string[];
  confirmations: { system: string; completedAt: string; evidence: string | null; eventId: string }[];
  completedAt: string | null;
  noticeEventId: string | null;
  recipients: {
    id: string;
    name: string;
    kind: string;
    dataCategories: readonly string[];
    notifiedAt: string | null;
    channel: string | null;
    eventId: string | null;
  }[];
}

/**
 * The data of an erasure certificate, from the subject's own events: the latest erasure
 * (the last deletion-requested) must have every system confirmed. Pure: the caller signs.
 */
export const buildErasureCertificate = (
  tenantId: string,
  subjectId: string,
  events: readonly StoredEvent[],
  issuedAt: Date,
): ErasureCertificateOutcome => {
  let latest: Draft | null = null;
  for (const stored of events) {
    const event = asSubjectEvent(stored);
    if (!event) continue;
    if (event.type === 'deletion-requested') {
      latest = {
        deletionId: event.data.deletionId,
        requestEventId: stored.id,
        trigger: event.data.trigger,
        requestedAt: event.data.requestedAt,
        dueAt: event.data.dueAt,
        pending: event.data.systems,
        confirmations: [],
        completedAt: null,
        noticeEventId: null,
        recipients: [],
      };
    } else if (event.type === 'recipient-notification-required' && latest && event.data.deletionId === latest.deletionId) {
      latest.noticeEventId = stored.id;
      latest.recipients = event.data.recipients.map((r) => ({
        id: r.id,
        name: r.name,
        kind: r.kind,
        dataCategories: r.dataCategories,
        notifiedAt: null,
        channel: null,
        eventId: null,
      }));
    } else if (event.type === 'recipient-notified' && latest && event.data.deletionId === latest.deletionId) {
      const recipient = latest.recipients.find((r) => r.id === event.data.recipientId && r.notifiedAt === null);
      if (recipient) Object.assign(recipient, { notifiedAt: event.data.notifiedAt, channel: event.data.channel, eventId: stored.id });
    } else if (event.type === 'deletion-completed' && latest && event.data.deletionId === latest.deletionId) {
      latest.confirmations.push({
        system: event.data.system,
        completedAt: event.data.completedAt,
        evidence: event.data.evidence ?? null,
        eventId: stored.id,
      });
      latest.pending = event.data.remainingSystems;
      if (event.data.remainingSystems.length === 0) latest.completedAt = event.data.completedAt;
    }
  }
  if (!latest) return { state: 'none' };
  if (latest.completedAt === null) return { state: 'open', deletionId: latest.deletionId, pendingSystems: latest.pending };
  return {
    state: 'completed',
    certificate: {
      tenantId,
      subjectId,
      deletionId: latest.deletionId,
      trigger: latest.trigger,
      requestedAt: latest.requestedAt,
      dueAt: latest.dueAt,
      completedAt: latest.completedAt,
      completedOnTime: Date.parse(latest.completedAt) <= Date.parse(latest.dueAt),
      systems: latest.confirmations,
      recipients: certifiedRecipients(latest, issuedAt),
      eventIds: [
        latest.requestEventId,
        ...latest.confirmations.map((c) => c.eventId),
        ...(latest.noticeEventId === null ? [] : [latest.noticeEventId]),
        ...latest.recipients.flatMap((r) => (r.eventId === null ? [] : [r.eventId])),
      ],
      issuedAt: issuedAt.toISOString(),
    },
  };
};

const certifiedRecipients = (draft: Draft, issuedAt: Date): CertifiedRecipient[] =>
  draft.recipients.map((recipient) => ({
    ...recipient,
    state: recipient.notifiedAt !== null ? 'notified' : Date.parse(draft.dueAt) < issuedAt.getTime() ? 'overdue' : 'owed',
  }));
