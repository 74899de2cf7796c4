import { LedgerError } from '../ledger-error.js';
import { lodgeGrievance, resolveGrievance } from './grievance.decide.js';
import { noticeOfErasure, noticeOfWithdrawal, recordRecipientNotification } from './recipient-notification.decide.js';
import type {
  ConfirmErasure,
  RecordErasureTaskDelivery,
  DecisionContext,
  GiveConsent,
  RecordTransfer,
  RequestErasure,
  SubjectCommand,
  WithdrawConsent,
} from './subject.commands.js';
import type { DeletionRequested, SubjectEvent } from './subject.events.js';
import { personalFieldList } from './subject.personal-fields.js';
import { grantedPurposes, type SubjectState } from './subject.state.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The rules of domain.md for one data subject. Pure: the same state, command and context
 * always give the same events, so the write path may re-run it after a version conflict.
 * An empty array means the command changes nothing (answered 200, not 201).
 */
export const decide = (command: SubjectCommand, state: SubjectState, context: DecisionContext): SubjectEvent[] => {
  switch (command.type) {
    case 'give-consent':
      return giveConsent(command, state, context);
    case 'withdraw-consent':
      return withdrawConsent(command, state, context);
    case 'record-transfer':
      return recordTransfer(command, state, context);
    case 'request-erasure':
      return requestErasure(command, state, context);
    case 'confirm-erasure':
      return confirmErasure(command, state, context);
    case 'record-erasure-task-delivery':
      return recordErasureTaskDelivery(command, state);
    case 'lodge-grievance':
      return lodgeGrievance(command, state, context);
    case 'resolve-grievance':
      return resolveGrievance(command, state, context);
    case 'record-recipient-notification':
      return recordRecipientNotification(command, state, context);
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
};

/** A completed erasure is final: a returning person is given a new subject id by the caller. */
const refuseIfErased = (state: SubjectState): void => {
  if (state.erasure.state === 'completed') {
    throw new LedgerError(
      'subject-erased',
      `The subject's data was erased on ${state.erasure.completedAt}; no new facts are accepted for it.`,
    );
  }
};

const giveConsent = (command: GiveConsent, state: SubjectState, context: DecisionContext): SubjectEvent[] => {
  refuseIfErased(state);
  if (state.erasure.state === 'open') {
    throw new LedgerError(
      'erasure-in-progress',
      `Erasure ${state.erasure.deletionId} is open; consent cannot be given until it completes.`,
    );
  }
  refuseUnpublishedVersion(command, context);
  const changed = unique(command.purposes).filter((purpose) => {
    const current = state.purposes[purpose];
    return !(current?.status === 'granted' && current.policyVersion === command.policyVersion);
  });
  if (changed.length === 0) return [];
  return [
    {
      type: 'consent-given',
      occurredAt: context.occurredAt,
      data: {
        purposes: changed,
        policyVersion: command.policyVersion,
        channel: command.channel,
        ...(command.subjectType !== undefined && { subjectType: command.subjectType }),
        ...(command.evidence !== undefined && { evidence: command.evidence }),
      },
    },
  ];
};

/** Once a tenant publishes policies, consent is given under one of them (domain.md rule 1). */
const refuseUnpublishedVersion = (command: GiveConsent, context: DecisionContext): void => {
  const published = context.publishedPolicyVersions;
  if (published === undefined || published === null || published.includes(command.policyVersion)) return;
  throw new LedgerError(
    'unknown-policy-version',
    `Policy version ${command.policyVersion} is not one this tenant has published (${published.join(', ')}).`,
    [{ field: 'policyVersion', message: `must be a published policy version: ${published.join(', ')}` }],
  );
};

const withdrawConsent = (command: WithdrawConsent, state: SubjectState, context: DecisionContext): SubjectEvent[] => {
  refuseIfErased(state);
  const granted = grantedPurposes(state);
  const requested = command.purposes === undefined ? granted : unique(command.purposes);
  const notGranted = requested.filter((purpose) => !granted.includes(purpose));
  if (requested.length === 0) {
    throw new LedgerError('consent-not-active', 'No purpose is granted for this subject, so there is nothing to withdraw.');
  }
  if (notGranted.length > 0) {
    throw new LedgerError(
      'consent-not-active',
      `Consent is not active for: ${notGranted.join(', ')}.`,
      notGranted.map((purpose) => ({ field: 'purposes', message: `${purpose} is not granted` })),
    );
  }
  const withdrawn: SubjectEvent = {
    type: 'consent-withdrawn',
    occurredAt: context.occurredAt,
    data: {
      purposes: requested,
      ...(command.channel !== undefined && { channel: command.channel }),
      ...(command.reason !== undefined && { reason: command.reason }),
    },
  };
  const nothingLeft = granted.every((purpose) => requested.includes(purpose));
  if (!nothingLeft || state.erasure.state === 'open') return [withdrawn, ...noticeOfWithdrawal(state, requested, context)];
  // The erasure's notice reaches every recipient, those of the withdrawn purposes included.
  const erasure = openErasure('all-consent-withdrawn', undefined, context);
  return [withdrawn, erasure, ...noticeOfErasure(state, erasure)];
};

const recordTransfer = (command: RecordTransfer, state: SubjectState, context: DecisionContext): SubjectEvent[] => {
  refuseIfErased(state);
  if (command.legalBasis === 'consent' && state.purposes[command.purpose]?.status !== 'granted') {
    throw new LedgerError('consent-not-active', `The transfer relies on consent, but consent for ${command.purpose} is not active.`, [
      { field: 'purpose', message: `${command.purpose} is not granted` },
    ]);
  }
  return [
    {
      type: 'data-transferred',
      occurredAt: context.occurredAt,
      data: {
        transferId: context.newId,
        recipient: command.recipient,
        country: command.country,
        dataCategories: unique(command.dataCategories),
        purpose: command.purpose,
        legalBasis: command.legalBasis,
        ...(command.reference !== undefined && { reference: command.reference }),
      },
    },
  ];
};

const requestErasure = (command: RequestErasure, state: SubjectState, context: DecisionContext): SubjectEvent[] => {
  refuseIfErased(state);
  if (state.erasure.state === 'open') {
    throw new LedgerError('erasure-already-open', `Erasure ${state.erasure.deletionId} is already open for this subject.`);
  }
  const erasure = openErasure('subject-request', command.reason, context);
  return [erasure, ...noticeOfErasure(state, erasure)];
};

const openErasure = (
  trigger: DeletionRequested['data']['trigger'],
  reason: string | undefined,
  context: DecisionContext,
): DeletionRequested => ({
  type: 'deletion-requested',
  occurredAt: context.occurredAt,
  data: {
    deletionId: context.newId,
    requestedAt: context.occurredAt,
    dueAt: new Date(Date.parse(context.occurredAt) + context.erasureDays * DAY_MS).toISOString(),
    systems: [...context.erasureSystems],
    trigger,
    ...(reason !== undefined && { reason }),
  },
});

const confirmErasure = (command: ConfirmErasure, state: SubjectState, context: DecisionContext): SubjectEvent[] => {
  const erasure = state.erasure;
  const erasureSystems = erasure.state === 'none' ? [] : erasure.systems;
  if (!context.erasureSystems.includes(command.system) && !erasureSystems.includes(command.system)) {
    throw new LedgerError(
      'unknown-system',
      `System ${command.system} is not a system that confirms erasures (${context.erasureSystems.join(', ')}).`,
      [{ field: 'system', message: `must be one of ${context.erasureSystems.join(', ')}` }],
    );
  }
  if (command.deletionId !== undefined && (erasure.state === 'none' || erasure.deletionId !== command.deletionId)) {
    throw new LedgerError('no-open-erasure', `Erasure ${command.deletionId} is not this subject's current erasure.`);
  }
  if (erasure.state !== 'open') {
    if (erasure.state === 'completed' && erasure.systems.includes(command.system)) return [];
    throw new LedgerError('no-open-erasure', 'There is no open erasure for this subject.');
  }
  if (!erasure.systems.includes(command.system)) {
    throw new LedgerError(
      'unknown-system',
      `System ${command.system} is not one of this erasure's systems (${erasure.systems.join(', ')}).`,
      [{ field: 'system', message: `must be one of ${erasure.systems.join(', ')}` }],
    );
  }
  if (erasure.confirmed.includes(command.system)) return [];
  const remainingSystems = erasure.systems.filter((system) => system !== command.system && !erasure.confirmed.includes(system));
  const completed: SubjectEvent = {
    type: 'deletion-completed',
    occurredAt: context.occurredAt,
    data: {
      deletionId: erasure.deletionId,
      system: command.system,
      completedAt: context.occurredAt,
      remainingSystems,
      ...(command.evidence !== undefined && { evidence: command.evidence }),
    },
  };
  if (remainingSystems.length > 0) return [completed];
  // Erased in every system: the subject's personal data in the log goes too (its key is
  // destroyed once this append succeeds), in the same append, so no reader sees one without the other.
  return [
    completed,
    {
      type: 'subject-data-shredded',
      occurredAt: context.occurredAt,
      data: { deletionId: erasure.deletionId, shreddedAt: context.recordedAt, fields: personalFieldList() },
    },
  ];
};

const unique = <T>(items: readonly T[]): T[] => [...new Set(items)];

/**
 * A delivered task is a fact about one erasure and one of its systems, whether or not the
 * erasure has completed since (a late delivery is still worth knowing). Repeats are the write
 * path's business: the delivery worker sends one Idempotency-Key per delivery.
 */
const recordErasureTaskDelivery = (command: RecordErasureTaskDelivery, state: SubjectState): SubjectEvent[] => {
  const erasure = state.erasure;
  if (erasure.state === 'none' || erasure.deletionId !== command.deletionId) {
    throw new LedgerError('no-open-erasure', `Erasure ${command.deletionId} is not this subject's current erasure.`);
  }
  if (!erasure.systems.includes(command.system)) {
    throw new LedgerError(
      'unknown-system',
      `System ${command.system} is not one of this erasure's systems (${erasure.systems.join(', ')}).`,
      [{ field: 'system', message: `must be one of ${erasure.systems.join(', ')}` }],
    );
  }
  return [
    {
      type: 'erasure-task-delivered',
      occurredAt: command.deliveredAt,
      data: {
        deletionId: command.deletionId,
        system: command.system,
        deliveredAt: command.deliveredAt,
        subscriptionId: command.subscriptionId,
      },
    },
  ];
};
