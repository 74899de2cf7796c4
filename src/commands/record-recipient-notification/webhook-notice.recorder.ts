import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { LedgerMetrics } from '../../observability/metrics/ledger-metrics.js';
import { ID_GENERATOR, type IdGenerator } from '../../platform/ids.js';
import type { CommandOutcome, SubjectCommandBody } from '../write-path/command-outcome.js';
import { RecordRecipientNotificationCommand } from './record-recipient-notification.command.js';

/** A webhook carrying a `recipient-notification-required` was accepted (2xx) by the recipient's subscription. */
export interface WebhookNoticeDelivered {
  readonly tenantId: string;
  readonly subjectId: string;
  readonly notificationId: string;
  readonly recipientId: string;
  /** The delivery's `webhook-id`: ties the event to the delivery in its metadata. */
  readonly webhookId: string;
  /** When the 2xx came back. */
  readonly deliveredAt: string;
}

/**
 * The webhook delivery worker's way to record Art. 19 notices: after a 2xx from the
 * subscription bound to a recipient, it records `recipient-notified` with channel
 * `webhook` through the same command as the HTTP route. At-least-once delivery is safe: a
 * recipient already told changes nothing (200, no event). A refusal (`no-notification-owed`)
 * is a `LedgerError` the worker logs and does not retry.
 */
@Injectable()
export class WebhookNoticeRecorder {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly metrics: LedgerMetrics,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  delivered(delivery: WebhookNoticeDelivered): Promise<CommandOutcome<SubjectCommandBody>> {
    const command = new RecordRecipientNotificationCommand({
      commandId: this.ids.newId(),
      tenantId: delivery.tenantId,
      subjectId: delivery.subjectId,
      occurredAt: new Date(Date.parse(delivery.deliveredAt)).toISOString(),
      actor: 'webhook-delivery',
      correlationId: delivery.webhookId,
      idempotency: undefined,
      command: {
        type: 'record-recipient-notification',
        recipientId: delivery.recipientId,
        notificationId: delivery.notificationId,
        channel: 'webhook',
      },
    });
    return this.metrics.observeCommand(command.request.command.type, () => this.commandBus.execute(command));
  }
}
