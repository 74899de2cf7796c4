import type { NewEvent } from '../../event-store/event-store.port.js';
import type { IdGenerator } from '../../platform/ids.js';
import type { CommandContext } from '../request-context/command-context.js';

/** A decided fact, as every decider returns it. */
export interface DecidedFact {
  readonly type: string;
  readonly occurredAt: string;
  readonly data: object;
}

/**
 * Wraps decided facts into the events to append: fresh ids, the time recorded, and the
 * metadata every reader relies on. `subjectId` is the subject the facts are about, or ''
 * for a fact about the tenant itself (a policy publication): '' is never a subject id, and
 * the field keeps its type (string) for every reader of the log.
 */
export const toNewEvents = (
  facts: readonly DecidedFact[],
  context: CommandContext,
  subjectId: string,
  recordedAt: string,
  ids: IdGenerator,
): NewEvent[] => {
  const eventIds = facts.map(() => ids.newId());
  return facts.map((fact, index) => ({
    id: eventIds[index] ?? ids.newId(),
    type: fact.type,
    occurredAt: fact.occurredAt,
    recordedAt,
    data: fact.data as Record<string, unknown>,
    metadata: {
      tenantId: context.tenantId,
      subjectId,
      actor: context.actor,
      correlationId: context.correlationId,
      // The first event is caused by the command; the rest (an erasure opened by the
      // last withdrawal) by the first event.
      causationId: index === 0 ? context.commandId : (eventIds[0] ?? context.commandId),
      idempotencyKey: context.idempotency?.key ?? null,
    },
  }));
};
