import type { DataCategory, PurposeId } from '../catalogue.js';
import { LedgerError } from '../ledger-error.js';
import type { RecordRecipientNotification } from './recipient-notification.commands.js';
import type { RecipientNotificationRequired, RecipientNotified, RecipientToNotify } from './recipient-notification.events.js';
import type { NotificationOwed, TransferHeld } from './recipient-notification.state.js';
import type { DecisionContext } from './subject.commands.js';
import type { DeletionRequested, SubjectEvent } from './subject.events.js';
import type { SubjectState } from './subject.state.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Who holds what, from the transfers chosen: one entry per recipient id (in order of its
 * first transfer, with the name and kind of its latest), the union of the categories and
 * purposes it received (sorted), and the transfers that prove it.
 */
export const recipientsHolding = (transfers: readonly TransferHeld[]): RecipientToNotify[] => {
  const byId = new Map<string, { latest: TransferHeld; categories: Set<DataCategory>; purposes: Set<PurposeId>; transferIds: string[] }>();
  for (const transfer of transfers) {
    const entry = byId.get(transfer.recipient.id) ?? { latest: transfer, categories: new Set(), purposes: new Set(), transferIds: [] };
    entry.latest = transfer;
    transfer.dataCategories.forEach((category) => entry.categories.add(category));
    entry.purposes.add(transfer.purpose);
    entry.transferIds.push(transfer.transferId);
    byId.set(transfer.recipient.id, entry);
  }
  return [...byId.values()].map(({ latest, categories, purposes, transferIds }) => ({
    id: latest.recipient.id,
    name: latest.recipient.name,
    kind: latest.recipient.kind,
    dataCategories: [...categories].sort(),
    purposes: [...purposes].sort(),
    transferIds,
  }));
};

/**
 * An erasure must reach every recipient the subject's data was disclosed to (Art. 19),
 * whatever the legal basis of the transfer: the ledger cannot judge an exemption, and a
 * recipient that may keep the data is still told. None when nothing was transferred.
 */
export const noticeOfErasure = (state: SubjectState, erasure: DeletionRequested): RecipientNotificationRequired[] => {
  const recipients = recipientsHolding(state.recipients.transfers);
  if (recipients.length === 0) return [];
  return [
    {
      type: 'recipient-notification-required',
      occurredAt: erasure.occurredAt,
      data: {
        notificationId: erasure.data.deletionId,
        cause: 'erasure',
        deletionId: erasure.data.deletionId,
        dueAt: erasure.data.dueAt,
        recipients,
      },
    },
  ];
};

/**
 * A withdrawal reaches the recipients of the transfers made on consent for a withdrawn
 * purpose: only those relied on the consent now gone (a transfer under contract or legal
 * obligation does not). A transfer an earlier notice already covers is left out (a
 * re-granted and again withdrawn purpose, or an open erasure's notice, which covers
 * stopping one purpose by erasing everything), so no recipient is owed the same data
 * twice. The deadline is the erasure period from the withdrawal.
 */
export const noticeOfWithdrawal = (
  state: SubjectState,
  withdrawn: readonly PurposeId[],
  context: DecisionContext,
): RecipientNotificationRequired[] => {
  const covered = new Set(Object.values(state.recipients.notifications).flatMap((owed) => owed.transferIds));
  const recipients = recipientsHolding(
    state.recipients.transfers.filter(
      (transfer) => transfer.legalBasis === 'consent' && withdrawn.includes(transfer.purpose) && !covered.has(transfer.transferId),
    ),
  );
  if (recipients.length === 0) return [];
  return [
    {
      type: 'recipient-notification-required',
      occurredAt: context.occurredAt,
      data: {
        notificationId: context.newId,
        cause: 'consent-withdrawn',
        withdrawnPurposes: [...withdrawn],
        dueAt: new Date(Date.parse(context.occurredAt) + context.erasureDays * DAY_MS).toISOString(),
        recipients,
      },
    },
  ];
};

/**
 * Records that a recipient was told. Refused (409 `no-notification-owed`, naming the field)
 * when the ledger never owed that recipient a notice, or the notification named is not
 * this subject's or not that recipient's; a recipient already told changes nothing (200).
 * Allowed after the erasure completed: the duty to tell outlives the data. Evidence is
 * free text, sealed with the subject's key, so it is refused once that key is destroyed.
 */
export const recordRecipientNotification = (
  command: RecordRecipientNotification,
  state: SubjectState,
  context: DecisionContext,
): SubjectEvent[] => {
  const { recipientId } = command;
  const candidates = owedTo(state, command);
  const untold = candidates.filter(([, owed]) => !owed.notified.includes(recipientId));
  if (untold.length === 0) return [];
  if (command.evidence !== undefined && state.erasure.state === 'completed') {
    throw new LedgerError(
      'subject-erased',
      `The subject's data was erased on ${state.erasure.completedAt}; free-text evidence can no longer be stored for it.`,
      [{ field: 'evidence', message: 'must be omitted once the subject’s erasure has completed' }],
    );
  }
  return untold.map(([notificationId, owed]): RecipientNotified => ({
    type: 'recipient-notified',
    occurredAt: context.occurredAt,
    data: {
      notificationId,
      recipientId,
      cause: owed.cause,
      ...(owed.deletionId !== undefined && { deletionId: owed.deletionId }),
      channel: command.channel,
      notifiedAt: context.occurredAt,
      ...(command.evidence !== undefined && { evidence: command.evidence }),
    },
  }));
};

const owedFor = (state: SubjectState, notificationId: string): NotificationOwed | undefined =>
  Object.hasOwn(state.recipients.notifications, notificationId) ? state.recipients.notifications[notificationId] : undefined;

/** The notifications the command may answer, in the order they were required. */
const owedTo = (state: SubjectState, command: RecordRecipientNotification): [string, NotificationOwed][] => {
  const { recipientId, notificationId } = command;
  if (notificationId !== undefined) {
    const owed = owedFor(state, notificationId);
    if (!owed) {
      throw new LedgerError('no-notification-owed', `No notification ${notificationId} is owed for this subject.`, [
        { field: 'notificationId', message: 'must be the id of a notification owed for this subject' },
      ]);
    }
    if (!owed.recipientIds.includes(recipientId)) {
      throw new LedgerError('no-notification-owed', `Notification ${notificationId} is not owed to recipient ${recipientId}.`, [
        { field: 'recipientId', message: `must be one of ${owed.recipientIds.join(', ')}` },
      ]);
    }
    return [[notificationId, owed]];
  }
  const all = Object.entries(state.recipients.notifications).filter(([, owed]) => owed.recipientIds.includes(recipientId));
  if (all.length === 0) {
    throw new LedgerError('no-notification-owed', `Nothing is owed to recipient ${recipientId} for this subject.`, [
      { field: 'recipientId', message: 'no notification was ever owed to this recipient for this subject' },
    ]);
  }
  return all;
};
