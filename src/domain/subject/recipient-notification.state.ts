import type { DataCategory, LegalBasis, PurposeId } from '../catalogue.js';
import type { NotificationCause, RecipientNotificationRequired, RecipientNotified } from './recipient-notification.events.js';
import type { DataTransferred, Recipient } from './subject.events.js';

/** A transfer as the notice rule needs it: who holds what, under which purpose and basis. */
export interface TransferHeld {
  readonly transferId: string;
  readonly recipient: Recipient;
  readonly dataCategories: readonly DataCategory[];
  readonly purpose: PurposeId;
  readonly legalBasis: LegalBasis;
}

export interface NotificationOwed {
  readonly cause: NotificationCause;
  readonly deletionId: string | undefined;
  readonly dueAt: string;
  readonly recipientIds: readonly string[];
  /** The transfers the notice covers, over all its recipients. */
  readonly transferIds: readonly string[];
  /** The recipients of `recipientIds` already told. */
  readonly notified: readonly string[];
}

/** The subject's transfers and the notices owed to their recipients, by notification id. */
export interface RecipientsState {
  readonly transfers: readonly TransferHeld[];
  readonly notifications: Readonly<Record<string, NotificationOwed>>;
}

export const noRecipients = (): RecipientsState => ({ transfers: [], notifications: {} });

export const evolveRecipients = (
  state: RecipientsState,
  event: DataTransferred | RecipientNotificationRequired | RecipientNotified,
): RecipientsState => {
  switch (event.type) {
    case 'data-transferred': {
      const { transferId, recipient, dataCategories, purpose, legalBasis } = event.data;
      return { ...state, transfers: [...state.transfers, { transferId, recipient, dataCategories, purpose, legalBasis }] };
    }
    case 'recipient-notification-required': {
      const { notificationId, cause, deletionId, dueAt, recipients } = event.data;
      const owed: NotificationOwed = {
        cause,
        deletionId,
        dueAt,
        recipientIds: recipients.map((r) => r.id),
        transferIds: recipients.flatMap((r) => r.transferIds),
        notified: [],
      };
      return { ...state, notifications: { ...state.notifications, [notificationId]: owed } };
    }
    case 'recipient-notified': {
      const { notificationId, recipientId } = event.data;
      const owed = Object.hasOwn(state.notifications, notificationId) ? state.notifications[notificationId] : undefined;
      // A notice for a notification not owed cannot be produced by decide; folding stays total.
      if (!owed || owed.notified.includes(recipientId)) return state;
      return {
        ...state,
        notifications: { ...state.notifications, [notificationId]: { ...owed, notified: [...owed.notified, recipientId] } },
      };
    }
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};
