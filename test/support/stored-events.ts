import { randomUUID } from 'node:crypto';
import { subjectStreamId } from '../../src/domain/stream-id.js';
import type {
  ConsentGiven,
  ConsentWithdrawn,
  DataTransferred,
  DeletionCompleted,
  DeletionRequested,
} from '../../src/domain/subject/subject.events.js';
import type { GrievanceLodged, GrievanceResolved } from '../../src/domain/subject/grievance.events.js';
import type { StoredEvent } from '../../src/event-store/event-store.port.js';

/**
 * Builders of StoredEvent values as the event store hands them to projections. Every
 * builder call makes a fresh value with a fresh UUID; positions come from counters owned
 * by the stream (and the log it writes to), so each test makes its own and shares none.
 * A call takes the next position, so build events in the order they are to be applied.
 */

const MINUTE_MS = 60 * 1000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const EPOCH = Date.UTC(2026, 0, 1);

/** The global log's position counter; several subject streams of one test can share it. */
export interface GlobalLog {
  next(): number;
}

export const aGlobalLog = (lastPosition = 0): GlobalLog => {
  let position = lastPosition;
  return { next: () => ++position };
};

export interface EventOptions {
  readonly id?: string;
  /** Defaults to minute `globalPosition` of 2026-01-01 (UTC), so later events are later. */
  readonly occurredAt?: string;
  /** Defaults to one second after `occurredAt`, so the two are told apart. */
  readonly recordedAt?: string;
  readonly actor?: string;
}

type Stored<E> = StoredEvent & E;

export interface SubjectStream {
  readonly tenantId: string;
  readonly subjectId: string;
  readonly streamId: string;
  consentGiven(data?: Partial<ConsentGiven['data']>, options?: EventOptions): Stored<ConsentGiven>;
  consentWithdrawn(data?: Partial<ConsentWithdrawn['data']>, options?: EventOptions): Stored<ConsentWithdrawn>;
  dataTransferred(data?: Partial<DataTransferred['data']>, options?: EventOptions): Stored<DataTransferred>;
  /** `requestedAt` defaults to `occurredAt`, `dueAt` to 30 days after it. */
  deletionRequested(data?: Partial<DeletionRequested['data']>, options?: EventOptions): Stored<DeletionRequested>;
  /** `completedAt` defaults to `occurredAt`. */
  deletionCompleted(
    data: Pick<DeletionCompleted['data'], 'deletionId' | 'system'> & Partial<DeletionCompleted['data']>,
    options?: EventOptions,
  ): Stored<DeletionCompleted>;
  /** `receivedAt` defaults to `occurredAt`, `dueAt` to 30 days after it. */
  grievanceLodged(data?: Partial<GrievanceLodged['data']>, options?: EventOptions): Stored<GrievanceLodged>;
  /** `resolvedAt` defaults to `occurredAt`; `dueAt` and `resolvedOnTime` should be given as the lodging set them. */
  grievanceResolved(
    data: Pick<GrievanceResolved['data'], 'grievanceId'> & Partial<GrievanceResolved['data']>,
    options?: EventOptions,
  ): Stored<GrievanceResolved>;
  /** An event of any other type, e.g. one that is no subject event at all. */
  otherEvent(type: string, data?: Readonly<Record<string, unknown>>, options?: EventOptions): StoredEvent;
}

export const aTenantId = (): string => `tenant-${randomUUID()}`;
export const aSubjectId = (): string => `subject-${randomUUID()}`;

/** One subject's stream: consecutive stream positions, global positions from `log`. */
export const aSubjectStream = ({
  tenantId = aTenantId(),
  subjectId = aSubjectId(),
  log = aGlobalLog(),
}: { tenantId?: string; subjectId?: string; log?: GlobalLog } = {}): SubjectStream => {
  const streamId = subjectStreamId(tenantId, subjectId);
  let streamPosition = -1;

  const stored = <T extends string, D extends object>(type: T, data: (occurredAt: string) => D, options: EventOptions = {}) => {
    const globalPosition = log.next();
    const occurredAt = options.occurredAt ?? new Date(EPOCH + globalPosition * MINUTE_MS).toISOString();
    return {
      id: options.id ?? randomUUID(),
      type,
      occurredAt,
      recordedAt: options.recordedAt ?? new Date(Date.parse(occurredAt) + 1000).toISOString(),
      data: data(occurredAt),
      metadata: {
        tenantId,
        subjectId,
        actor: options.actor ?? 'crm-service',
        correlationId: randomUUID(),
        causationId: randomUUID(),
        idempotencyKey: null,
      },
      streamId,
      streamPosition: ++streamPosition,
      globalPosition,
    };
  };

  return {
    tenantId,
    subjectId,
    streamId,
    consentGiven: (data = {}, options) =>
      stored('consent-given', () => ({ purposes: ['usage-analytics'], policyVersion: 'v1', channel: 'web', ...data }) as const, options),
    consentWithdrawn: (data = {}, options) =>
      stored('consent-withdrawn', () => ({ purposes: ['usage-analytics'], ...data }) as const, options),
    dataTransferred: (data = {}, options) =>
      stored(
        'data-transferred',
        () =>
          ({
            transferId: randomUUID(),
            recipient: { id: `recipient-${randomUUID()}`, name: 'Acme Cloud Ltd', kind: 'cloud-host' },
            country: 'DE',
            dataCategories: ['pii.email-address'],
            purpose: 'service-access',
            legalBasis: 'contract',
            ...data,
          }) as const,
        options,
      ),
    deletionRequested: (data = {}, options) =>
      stored(
        'deletion-requested',
        (occurredAt) => {
          const requestedAt = data.requestedAt ?? occurredAt;
          return {
            deletionId: randomUUID(),
            dueAt: new Date(Date.parse(requestedAt) + 30 * DAY_MS).toISOString(),
            systems: ['crm', 'backups'],
            trigger: 'subject-request',
            ...data,
            requestedAt,
          } as const;
        },
        options,
      ),
    deletionCompleted: (data, options) =>
      stored('deletion-completed', (occurredAt) => ({ completedAt: occurredAt, remainingSystems: [], ...data }) as const, options),
    grievanceLodged: (data = {}, options) =>
      stored(
        'grievance-lodged',
        (occurredAt) => {
          const receivedAt = data.receivedAt ?? occurredAt;
          return {
            grievanceId: randomUUID(),
            category: 'consent',
            channel: 'email',
            dueAt: new Date(Date.parse(receivedAt) + 30 * DAY_MS).toISOString(),
            ...data,
            receivedAt,
          } as const;
        },
        options,
      ),
    grievanceResolved: (data, options) =>
      stored(
        'grievance-resolved',
        (occurredAt) => ({ outcome: 'upheld', resolvedAt: occurredAt, dueAt: occurredAt, resolvedOnTime: true, ...data }) as const,
        options,
      ),
    otherEvent: (type, data = {}, options) => stored(type, () => data, options),
  };
};
