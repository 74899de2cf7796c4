import type { Channel, DataCategory, LegalBasis, PurposeId, SubjectType } from '../catalogue.js';
import type { LodgeGrievance, ResolveGrievance } from './grievance.commands.js';
import type { RecordRecipientNotification } from './recipient-notification.commands.js';
import type { ConsentEvidence, Recipient } from './subject.events.js';

export interface GiveConsent {
  readonly type: 'give-consent';
  readonly purposes: readonly PurposeId[];
  readonly policyVersion: string;
  readonly channel: Channel;
  readonly subjectType?: SubjectType;
  readonly evidence?: ConsentEvidence;
}

export interface WithdrawConsent {
  readonly type: 'withdraw-consent';
  /** Omitted: every purpose granted at that moment. */
  readonly purposes?: readonly PurposeId[];
  readonly channel?: Channel;
  readonly reason?: string;
}

export interface RecordTransfer {
  readonly type: 'record-transfer';
  readonly recipient: Recipient;
  readonly country: string;
  readonly dataCategories: readonly DataCategory[];
  readonly purpose: PurposeId;
  readonly legalBasis: LegalBasis;
  readonly reference?: string;
}

export interface RequestErasure {
  readonly type: 'request-erasure';
  readonly reason?: string;
}

export interface ConfirmErasure {
  readonly type: 'confirm-erasure';
  readonly system: string;
  readonly evidence?: string;
  /** Only this erasure (a confirmation token is scoped to one): refused when it is not the subject's current one. */
  readonly deletionId?: string;
}

/** The delivery worker delivered one system's erasure task (a 2xx from the system's subscription). */
export interface RecordErasureTaskDelivery {
  readonly type: 'record-erasure-task-delivery';
  readonly deletionId: string;
  readonly system: string;
  readonly deliveredAt: string;
  readonly subscriptionId: string;
}

export type SubjectCommand =
  | GiveConsent
  | WithdrawConsent
  | RecordTransfer
  | RequestErasure
  | ConfirmErasure
  | RecordErasureTaskDelivery
  | LodgeGrievance
  | ResolveGrievance
  | RecordRecipientNotification;

/**
 * Everything impure a decision needs, supplied by the caller so that `decide` stays pure:
 * the time the fact happened (and the time it is recorded), a fresh id for anything the decision creates, and the rules
 * from configuration.
 */
export interface DecisionContext {
  readonly occurredAt: string;
  /** The ledger's own clock at the decision: when the events are recorded. */
  readonly recordedAt: string;
  readonly newId: string;
  readonly erasureDays: number;
  readonly erasureSystems: readonly string[];
  /** LEDGER_GRIEVANCE_DAYS; undefined: a grievance is due one calendar month after receipt. */
  readonly grievanceDays?: number | undefined;
  /**
   * The policy versions the tenant has published (read from its policy stream by the write
   * path), which a consent must name; null or absent while it has published none, when any
   * version label is accepted.
   */
  readonly publishedPolicyVersions?: readonly string[] | null;
}
