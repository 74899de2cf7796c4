import type { PurposeId } from '../catalogue.js';
import { evolveGrievances, noGrievances, type GrievancesState } from './grievance.state.js';
import { evolveRecipients, noRecipients, type RecipientsState } from './recipient-notification.state.js';
import type { SubjectEvent } from './subject.events.js';

export interface PurposeConsent {
  readonly status: 'granted' | 'withdrawn';
  readonly policyVersion: string;
  readonly since: string;
}

export type ErasureState =
  | { readonly state: 'none' }
  | {
      readonly state: 'open';
      readonly deletionId: string;
      readonly requestedAt: string;
      readonly dueAt: string;
      readonly systems: readonly string[];
      readonly confirmed: readonly string[];
    }
  | {
      readonly state: 'completed';
      readonly deletionId: string;
      readonly requestedAt: string;
      readonly dueAt: string;
      readonly completedAt: string;
      readonly systems: readonly string[];
    };

export interface SubjectState {
  readonly known: boolean;
  readonly purposes: Readonly<Partial<Record<PurposeId, PurposeConsent>>>;
  readonly erasure: ErasureState;
  readonly grievances: GrievancesState;
  readonly recipients: RecipientsState;
}

export const initialSubjectState = (): SubjectState => ({
  known: false,
  purposes: {},
  erasure: { state: 'none' },
  grievances: noGrievances(),
  recipients: noRecipients(),
});

export const grantedPurposes = (state: SubjectState): PurposeId[] =>
  (Object.entries(state.purposes) as [PurposeId, PurposeConsent][])
    .filter(([, consent]) => consent.status === 'granted')
    .map(([purpose]) => purpose);

export const evolve = (state: SubjectState, event: SubjectEvent): SubjectState => {
  switch (event.type) {
    case 'consent-given': {
      const purposes = { ...state.purposes };
      for (const purpose of event.data.purposes) {
        purposes[purpose] = { status: 'granted', policyVersion: event.data.policyVersion, since: event.occurredAt };
      }
      return { ...state, known: true, purposes };
    }
    case 'consent-withdrawn': {
      const purposes = { ...state.purposes };
      for (const purpose of event.data.purposes) {
        const previous = purposes[purpose];
        purposes[purpose] = {
          status: 'withdrawn',
          policyVersion: previous?.policyVersion ?? '',
          since: event.occurredAt,
        };
      }
      return { ...state, known: true, purposes };
    }
    case 'data-transferred':
    case 'recipient-notification-required':
    case 'recipient-notified':
      return { ...state, known: true, recipients: evolveRecipients(state.recipients, event) };
    case 'subject-data-shredded':
    case 'erasure-task-delivered':
      return { ...state, known: true };
    case 'deletion-requested':
      return {
        ...state,
        known: true,
        erasure: {
          state: 'open',
          deletionId: event.data.deletionId,
          requestedAt: event.data.requestedAt,
          dueAt: event.data.dueAt,
          systems: event.data.systems,
          confirmed: [],
        },
      };
    case 'deletion-completed': {
      const erasure = state.erasure;
      // A completion for another erasure than the open one cannot be produced by decide;
      // folding stays total so that an odd history never crashes a read.
      if (erasure.state !== 'open' || erasure.deletionId !== event.data.deletionId) return { ...state, known: true };
      if (event.data.remainingSystems.length > 0) {
        return { ...state, known: true, erasure: { ...erasure, confirmed: [...erasure.confirmed, event.data.system] } };
      }
      return {
        ...state,
        known: true,
        erasure: {
          state: 'completed',
          deletionId: erasure.deletionId,
          requestedAt: erasure.requestedAt,
          dueAt: erasure.dueAt,
          completedAt: event.data.completedAt,
          systems: erasure.systems,
        },
      };
    }
    case 'grievance-lodged':
    case 'grievance-resolved':
      return { ...state, known: true, grievances: evolveGrievances(state.grievances, event) };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

export const foldSubject = (events: Iterable<SubjectEvent>): SubjectState => {
  let state = initialSubjectState();
  for (const event of events) state = evolve(state, event);
  return state;
};
