import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { createHash } from 'node:crypto';
import { ID_GENERATOR, type IdGenerator } from '../../platform/ids.js';
import { LedgerMetrics } from '../../observability/metrics/ledger-metrics.js';
import type { CommandOutcome, SubjectCommandBody } from '../write-path/command-outcome.js';
import { RecordTaskDeliveryCommand } from './record-task-delivery.command.js';

/** One erasure task that reached its system: what the delivery worker knows after a 2xx. */
export interface TaskDelivered {
  readonly tenantId: string;
  readonly subjectId: string;
  readonly deletionId: string;
  readonly system: string;
  /** When the system answered 2xx (ISO-8601). */
  readonly deliveredAt: string;
  readonly subscriptionId: string;
}

/** Who the events name as their actor. */
const ACTOR = 'webhook-delivery';

/**
 * The seam the webhook delivery worker calls after a system's subscription answered 2xx to a
 * `deletion-requested` delivery that carried its task: it records `erasure-task-delivered` on
 * the subject's stream (the audit trail shows who was told what and when; the erasure monitor
 * shows it per system). At-least-once delivery may call it again for the same task: the
 * Idempotency-Key is the task and subscription, so a repeat answers the first answer and
 * writes nothing, whatever time it brings.
 */
@Injectable()
export class ErasureTaskDeliveries {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly metrics: LedgerMetrics,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async recordTaskDelivered(delivery: TaskDelivered): Promise<CommandOutcome<SubjectCommandBody>> {
    const { tenantId, subjectId, deletionId, system, subscriptionId } = delivery;
    const deliveredAt = new Date(delivery.deliveredAt).toISOString();
    const key = `erasure-task-delivered/${deletionId}/${system}/${subscriptionId}`;
    const command = new RecordTaskDeliveryCommand({
      commandId: this.ids.newId(),
      tenantId,
      subjectId,
      occurredAt: deliveredAt,
      actor: ACTOR,
      correlationId: this.ids.newId(),
      idempotency: { key, fingerprint: createHash('sha256').update(key).digest('hex') },
      command: { type: 'record-erasure-task-delivery', deletionId, system, deliveredAt, subscriptionId },
    });
    return this.metrics.observeCommand('record-erasure-task-delivery', () => this.commandBus.execute(command));
  }
}
