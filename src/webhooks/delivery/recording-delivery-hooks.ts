import { Inject, Injectable, Logger } from '@nestjs/common';
import { ErasureTaskDeliveries } from '../../commands/record-task-delivery/erasure-task-deliveries.js';
import { WebhookNoticeRecorder } from '../../commands/record-recipient-notification/webhook-notice.recorder.js';
import { LedgerError } from '../../domain/ledger-error.js';
import type { StoredEvent } from '../../event-store/event-store.port.js';
import { CLOCK, type Clock } from '../../platform/clock.js';
import type { DeliveryHooks } from './delivery-hooks.js';
import type { Delivery, KnownSubscription } from './delivery-store.port.js';
import { boundRecipients } from './webhook-payload.js';

/**
 * After a 2xx, records on the subject's stream what the delivery achieved, through the same
 * write path as the HTTP commands:
 * - a `deletion-requested` that carried tasks: `erasure-task-delivered` for each bound system
 *   the erasure waits for (the erasure monitor shows it per system);
 * - a `recipient-notification-required` to a subscription bound to recipients:
 *   `recipient-notified` (channel `webhook`) for each of them it listed (GDPR Art. 19).
 * Both are idempotent (a repeat writes nothing), as at-least-once delivery needs. A refusal by
 * the rules (e.g. the recipient was told meanwhile by other means and is owed nothing) is the
 * answer, not a failure: logged, and the delivery still counts as delivered.
 */
@Injectable()
export class RecordingDeliveryHooks implements DeliveryHooks {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly tasks: ErasureTaskDeliveries,
    private readonly notices: WebhookNoticeRecorder,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onDelivered(delivery: Delivery, event: StoredEvent, subscription: KnownSubscription): Promise<void> {
    const deliveredAt = this.clock.now().toISOString();
    const { tenantId, subjectId } = event.metadata;
    if (event.type === 'deletion-requested') {
      const waitingFor = Array.isArray(event.data['systems']) ? (event.data['systems'] as string[]) : [];
      for (const system of subscription.erasureSystems.filter((s) => waitingFor.includes(s))) {
        await this.refusalIsAnAnswer(() =>
          this.tasks.recordTaskDelivered({
            tenantId,
            subjectId,
            deletionId: String(event.data['deletionId']),
            system,
            deliveredAt,
            subscriptionId: subscription.subscriptionId,
          }),
        );
      }
    }
    if (event.type === 'recipient-notification-required') {
      for (const recipient of boundRecipients(event, subscription.recipientIds)) {
        await this.refusalIsAnAnswer(() =>
          this.notices.delivered({
            tenantId,
            subjectId,
            notificationId: String(event.data['notificationId']),
            recipientId: recipient.id,
            webhookId: delivery.deliveryId,
            deliveredAt,
          }),
        );
      }
    }
  }

  private async refusalIsAnAnswer(record: () => Promise<unknown>): Promise<void> {
    try {
      await record();
    } catch (error) {
      // A conflict is not an answer: the stream moved meanwhile, try again with the delivery.
      if (!(error instanceof LedgerError) || error.status >= 500 || error.code === 'concurrent-modification') throw error;
      this.logger.warn(`a delivery's record was refused: ${error.code}: ${error.detail}`);
    }
  }
}
