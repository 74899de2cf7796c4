import type { NotificationChannel } from '../catalogue.js';

/**
 * A recipient was told (by the caller, or by the ledger's webhook delivery). Without
 * `notificationId` it answers every notification still owed to that recipient. The time
 * told is the command's `occurredAt`.
 */
export interface RecordRecipientNotification {
  readonly type: 'record-recipient-notification';
  readonly recipientId: string;
  readonly notificationId?: string;
  readonly channel: NotificationChannel;
  readonly evidence?: string;
}
