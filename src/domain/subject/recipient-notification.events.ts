import type { DataCategory, NotificationChannel, PurposeId, RecipientKind } from '../catalogue.js';
import type { Fact } from './subject-fact.js';

/** What makes recipients owed a notice: the subject's erasure, or a withdrawal of consent. */
export type NotificationCause = 'erasure' | 'consent-withdrawn';

/** One recipient to tell, with what it holds: the union over the transfers in scope. */
export interface RecipientToNotify {
  readonly id: string;
  readonly name: string;
  readonly kind: RecipientKind;
  readonly dataCategories: readonly DataCategory[];
  readonly purposes: readonly PurposeId[];
  readonly transferIds: readonly string[];
}

/**
 * The recipients that must be told of an erasure or a withdrawal (GDPR Art. 19; DPDP Act
 * s. 8(7) and 6(6): have processors erase or stop). Written in the same append as the
 * erasure or withdrawal it answers, so the duty exists exactly when its cause does. For an
 * erasure, `notificationId` is the erasure's `deletionId`.
 */
export type RecipientNotificationRequired = Fact<
  'recipient-notification-required',
  {
    readonly notificationId: string;
    readonly cause: NotificationCause;
    /** Set when `cause` is `erasure`. */
    readonly deletionId?: string;
    /** Set when `cause` is `consent-withdrawn`: the purposes withdrawn. */
    readonly withdrawnPurposes?: readonly PurposeId[];
    readonly dueAt: string;
    readonly recipients: readonly RecipientToNotify[];
  }
>;

/** One recipient was told; answers one `recipient-notification-required` for that recipient. */
export type RecipientNotified = Fact<
  'recipient-notified',
  {
    readonly notificationId: string;
    readonly recipientId: string;
    readonly cause: NotificationCause;
    readonly deletionId?: string;
    readonly channel: NotificationChannel;
    readonly notifiedAt: string;
    /** The caller's proof (ticket, message id): free text, so personal data. */
    readonly evidence?: string;
  }
>;
