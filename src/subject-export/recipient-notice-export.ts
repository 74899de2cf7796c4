import type { RecipientNotificationRequired, RecipientNotified } from '../domain/subject/recipient-notification.events.js';
import type { StoredEvent } from '../event-store/event-store.port.js';

/** One recipient of a notice: what it holds, and when and how it was told (Art. 19). */
export interface RecipientNoticeEntry {
  id: string;
  name: string;
  kind: string;
  dataCategories: readonly string[];
  purposes: readonly string[];
  transferIds: readonly string[];
  notifiedAt: string | null;
  channel: string | null;
  /** The caller's proof (personal data), verbatim from the event's `evidence`. */
  evidence: string | null;
  eventId: string | null;
}

/** The recipients owed the notice of one erasure or one withdrawal. */
export interface RecipientNotificationEntry {
  notificationId: string;
  eventId: string;
  cause: string;
  deletionId: string | null;
  withdrawnPurposes: readonly string[] | null;
  requiredAt: string;
  dueAt: string;
  recipients: RecipientNoticeEntry[];
}

export const requiredNotice = (stored: StoredEvent, event: RecipientNotificationRequired): RecipientNotificationEntry => ({
  notificationId: event.data.notificationId,
  eventId: stored.id,
  cause: event.data.cause,
  deletionId: event.data.deletionId ?? null,
  withdrawnPurposes: event.data.withdrawnPurposes ?? null,
  requiredAt: event.occurredAt,
  dueAt: event.data.dueAt,
  recipients: event.data.recipients.map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    dataCategories: r.dataCategories,
    purposes: r.purposes,
    transferIds: r.transferIds,
    notifiedAt: null,
    channel: null,
    evidence: null,
    eventId: null,
  })),
});

export const notifiedExported = (entry: RecipientNotificationEntry, stored: StoredEvent, event: RecipientNotified): void => {
  const recipient = entry.recipients.find((r) => r.id === event.data.recipientId && r.notifiedAt === null);
  if (!recipient) return;
  recipient.notifiedAt = event.data.notifiedAt;
  recipient.channel = event.data.channel;
  recipient.evidence = event.data.evidence ?? null;
  recipient.eventId = stored.id;
};

/** As read now: `overdue` is not told past the notice's `dueAt`. */
export const recipientNotificationView = (entry: RecipientNotificationEntry, now: Date) => ({
  ...entry,
  recipients: entry.recipients.map((recipient) => ({
    ...recipient,
    state: recipient.notifiedAt !== null ? 'notified' : entry.dueAt < now.toISOString() ? 'overdue' : 'owed',
  })),
});
