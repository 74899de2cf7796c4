import type { Channel, DataCategory, LegalBasis, PurposeId, RecipientKind, SubjectType } from '../catalogue.js';
import type { GrievanceLodged, GrievanceResolved } from './grievance.events.js';
import type { RecipientNotificationRequired, RecipientNotified } from './recipient-notification.events.js';
import type { Fact } from './subject-fact.js';

export interface ConsentEvidence {
  readonly ipAddress?: string;
  readonly userAgent?: string;
  readonly contact?: string;
}

export type ConsentGiven = Fact<
  'consent-given',
  {
    readonly purposes: readonly PurposeId[];
    readonly policyVersion: string;
    readonly channel: Channel;
    readonly subjectType?: SubjectType;
    readonly evidence?: ConsentEvidence;
  }
>;

export type ConsentWithdrawn = Fact<
  'consent-withdrawn',
  {
    readonly purposes: readonly PurposeId[];
    readonly channel?: Channel;
    readonly reason?: string;
  }
>;

export interface Recipient {
  readonly id: string;
  readonly name: string;
  readonly kind: RecipientKind;
}

export type DataTransferred = Fact<
  'data-transferred',
  {
    readonly transferId: string;
    readonly recipient: Recipient;
    readonly country: string;
    readonly dataCategories: readonly DataCategory[];
    readonly purpose: PurposeId;
    readonly legalBasis: LegalBasis;
    readonly reference?: string;
  }
>;

/** Why an erasure was opened: the subject asked, or nothing stayed granted after a withdrawal. */
export type ErasureTrigger = 'subject-request' | 'all-consent-withdrawn';

export type DeletionRequested = Fact<
  'deletion-requested',
  {
    readonly deletionId: string;
    readonly requestedAt: string;
    readonly dueAt: string;
    readonly systems: readonly string[];
    readonly trigger: ErasureTrigger;
    readonly reason?: string;
  }
>;

export type DeletionCompleted = Fact<
  'deletion-completed',
  {
    readonly deletionId: string;
    readonly system: string;
    readonly completedAt: string;
    readonly remainingSystems: readonly string[];
    readonly evidence?: string;
  }
>;

/**
 * The erasure task of one system was delivered to it: a webhook subscription bound to the
 * system answered 2xx. Recorded by the delivery worker, so that ops see which systems were
 * told and when; the system still confirms with `deletion-completed`. Holds no personal data.
 */
export type ErasureTaskDelivered = Fact<
  'erasure-task-delivered',
  {
    readonly deletionId: string;
    readonly system: string;
    readonly deliveredAt: string;
    readonly subscriptionId: string;
  }
>;

/**
 * The subject's data key was destroyed when its erasure completed in every system: the
 * personal values of its earlier events (`fields`, as `type/path`) are unreadable from now
 * on, in every copy of the log. Holds no personal data itself.
 */
export type SubjectDataShredded = Fact<
  'subject-data-shredded',
  {
    readonly deletionId: string;
    readonly shreddedAt: string;
    readonly fields: readonly string[];
  }
>;

export type SubjectEvent =
  | ConsentGiven
  | ConsentWithdrawn
  | DataTransferred
  | DeletionRequested
  | DeletionCompleted
  | ErasureTaskDelivered
  | GrievanceLodged
  | GrievanceResolved
  | SubjectDataShredded
  | RecipientNotificationRequired
  | RecipientNotified;
export type SubjectEventType = SubjectEvent['type'];

export const SUBJECT_EVENT_TYPES: readonly SubjectEventType[] = [
  'consent-given',
  'consent-withdrawn',
  'data-transferred',
  'deletion-requested',
  'deletion-completed',
  'erasure-task-delivered',
  'grievance-lodged',
  'grievance-resolved',
  'subject-data-shredded',
  'recipient-notification-required',
  'recipient-notified',
];

export const isSubjectEventType = (type: string): type is SubjectEventType => (SUBJECT_EVENT_TYPES as readonly string[]).includes(type);
