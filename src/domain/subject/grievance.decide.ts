import { UTCDate } from '@date-fns/utc';
import { addMonths } from 'date-fns';
import { LedgerError, validationFailed } from '../ledger-error.js';
import type { LodgeGrievance, ResolveGrievance } from './grievance.commands.js';
import type { DecisionContext } from './subject.commands.js';
import type { SubjectEvent } from './subject.events.js';
import type { SubjectState } from './subject.state.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Rule 7 of domain.md: a grievance is redressed within one month of receipt. One calendar
 * month (Jan 31 -> Feb 28/29, Mar 15 -> Apr 15, same time of day), or exactly `days` × 24 h
 * when LEDGER_GRIEVANCE_DAYS sets a fixed period.
 */
export const grievanceDueAt = (receivedAt: string, days: number | undefined): string => {
  const received = new UTCDate(receivedAt);
  if (days !== undefined) return new Date(received.getTime() + days * DAY_MS).toISOString();
  // UTCDate makes date-fns count months on the UTC calendar, whatever TZ the process has.
  return addMonths(received, 1).toISOString();
};

/**
 * A grievance is a fact of the subject's own stream. It may be the first fact about a
 * subject (a person can complain without a prior record), and it may be lodged while an
 * erasure is open (the complaint may be about that erasure). After a completed erasure it
 * is refused like every other new fact: the returning person gets a new subject id.
 */
export const lodgeGrievance = (command: LodgeGrievance, state: SubjectState, context: DecisionContext): SubjectEvent[] => {
  if (state.erasure.state === 'completed') {
    throw new LedgerError(
      'subject-erased',
      `The subject's data was erased on ${state.erasure.completedAt}; no new facts are accepted for it.`,
    );
  }
  return [
    {
      type: 'grievance-lodged',
      occurredAt: context.occurredAt,
      data: {
        grievanceId: context.newId,
        category: command.category,
        channel: command.channel,
        receivedAt: context.occurredAt,
        dueAt: grievanceDueAt(context.occurredAt, context.grievanceDays),
        ...(command.description !== undefined && { description: command.description }),
      },
    },
  ];
};

/**
 * Redress is final: a second resolution is refused whatever its outcome (a retry is made
 * safe by an Idempotency-Key, not by a no-op). Resolving is allowed after a completed
 * erasure: the resolution holds no personal data, and the duty to redress outlives the data.
 */
export const resolveGrievance = (command: ResolveGrievance, state: SubjectState, context: DecisionContext): SubjectEvent[] => {
  const { grievanceId } = command;
  const { open, resolved } = state.grievances;
  if (Object.hasOwn(resolved, grievanceId)) {
    const earlier = resolved[grievanceId];
    throw new LedgerError(
      'grievance-already-resolved',
      `Grievance ${grievanceId} was already resolved (${earlier?.outcome}) at ${earlier?.resolvedAt}; a resolution is final.`,
    );
  }
  const grievance = Object.hasOwn(open, grievanceId) ? open[grievanceId] : undefined;
  if (grievance === undefined) {
    throw new LedgerError('not-found', `This subject has no grievance ${grievanceId}.`, [
      { field: 'grievanceId', message: 'is not a grievance lodged for this subject' },
    ]);
  }
  const resolvedAt = context.occurredAt;
  if (Date.parse(resolvedAt) < Date.parse(grievance.receivedAt)) {
    throw validationFailed([
      { field: 'resolvedAt', message: `resolvedAt must not be before the grievance was received (${grievance.receivedAt})` },
    ]);
  }
  return [
    {
      type: 'grievance-resolved',
      occurredAt: resolvedAt,
      data: {
        grievanceId,
        outcome: command.outcome,
        resolvedAt,
        dueAt: grievance.dueAt,
        resolvedOnTime: Date.parse(resolvedAt) <= Date.parse(grievance.dueAt),
      },
    },
  ];
};
