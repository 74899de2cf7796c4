import { personalPaths } from '../../domain/subject/subject.personal-fields.js';
import type { StoredEvent } from '../../event-store/event-store.port.js';
import type { ConfirmationTokenIssuer } from '../confirmation-tokens/confirmation-token.port.js';

/** An erasure system's task in a `deletion-requested` delivery. */
export interface ErasureTask {
  readonly system: string;
  readonly deletionId: string;
  readonly dueAt: string;
  readonly confirmationToken: string;
}

/** How long after the deadline a task's token still confirms (a late deletion must still be confirmable). */
export const TASK_TOKEN_GRACE_MS = 30 * 24 * 3_600_000;

/**
 * The event as GET /v1/audit/events exports it, minus every personal value: each field the
 * domain declares personal (evidence, contact, IP address, free-text reasons and references)
 * is left out whole, at its top-level field, so no part of it travels. What stays (ids, types,
 * purposes, deadlines, systems) is what a receiver acts on; it reads the rest, if it may,
 * from the ledger.
 */
export const redactedEvent = (event: StoredEvent): Record<string, unknown> => {
  const dropped = new Set(personalPaths(event.type).map((path) => path.split('.')[0]!));
  const data = Object.fromEntries(Object.entries(event.data).filter(([field]) => !dropped.has(field)));
  const { tenantId, subjectId, actor, correlationId, causationId, idempotencyKey } = event.metadata;
  return {
    id: event.id,
    type: event.type,
    streamId: event.streamId,
    streamPosition: event.streamPosition,
    globalPosition: event.globalPosition,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    data,
    metadata: { tenantId, subjectId, actor, correlationId, causationId, idempotencyKey: idempotencyKey ?? null },
  };
};

/** What a subscription is bound to, which shapes what it is sent. */
export interface SubscriptionBindings {
  readonly erasureSystems: readonly string[];
  readonly recipientIds: readonly string[];
}

/**
 * The body of one attempt, in the Standard Webhooks shape `{ type, timestamp, data }`. A
 * `deletion-requested` to a subscription bound to erasure systems carries one task per bound
 * system the erasure waits for, each with a token from the issuer (asked per attempt, so no
 * token is ever stored in the clear; an earlier attempt's token stays valid until it expires or
 * the system's deletion is confirmed). A `recipient-notification-required` to a subscription
 * bound to recipients lists only those: a recipient learns nothing of the others.
 */
export const webhookPayload = async (
  event: StoredEvent,
  bindings: SubscriptionBindings,
  issuer: ConfirmationTokenIssuer,
): Promise<string> => {
  const data: Record<string, unknown> = redactedEvent(event);
  if (event.type === 'deletion-requested' && bindings.erasureSystems.length > 0) {
    data['tasks'] = await erasureTasks(event, bindings.erasureSystems, issuer);
  }
  if (event.type === 'recipient-notification-required' && bindings.recipientIds.length > 0) {
    const inner = data['data'] as Record<string, unknown>;
    data['data'] = { ...inner, recipients: boundRecipients(event, bindings.recipientIds) };
  }
  return JSON.stringify({ type: event.type, timestamp: event.recordedAt, data });
};

const erasureTasks = async (event: StoredEvent, bound: readonly string[], issuer: ConfirmationTokenIssuer): Promise<ErasureTask[]> => {
  const deletionId = String(event.data['deletionId']);
  const dueAt = String(event.data['dueAt']);
  const waitingFor = Array.isArray(event.data['systems']) ? (event.data['systems'] as unknown[]) : [];
  const systems = bound.filter((system) => waitingFor.includes(system));
  const expiresAt = new Date(Date.parse(dueAt) + TASK_TOKEN_GRACE_MS).toISOString();
  return Promise.all(
    systems.map(async (system) => {
      const confirmationToken = await issuer.issue({
        tenantId: event.metadata.tenantId,
        subjectId: event.metadata.subjectId,
        deletionId,
        system,
        expiresAt,
      });
      return { system, deletionId, dueAt, confirmationToken };
    }),
  );
};

/** The entries of a `recipient-notification-required` for the given recipients. */
export const boundRecipients = (event: StoredEvent, recipientIds: readonly string[]): { readonly id: string }[] => {
  const recipients = Array.isArray(event.data['recipients']) ? (event.data['recipients'] as { readonly id: string }[]) : [];
  return recipients.filter((recipient) => recipientIds.includes(recipient.id));
};
