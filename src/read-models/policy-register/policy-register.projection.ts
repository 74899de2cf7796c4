import { isPolicyEventType, type NoticeChannel, type PolicyEvent } from '../../domain/policy/policy.events.js';
import type { StoredEvent } from '../../event-store/event-store.port.js';
import type { ReadDocument } from '../../read-store/read-store.port.js';
import type { DocumentBody, Projection } from '../../projections/projection.js';

export interface PrimaryAdminNotice {
  readonly channel: NoticeChannel;
  readonly sentAt: string;
  readonly recordedAt: string;
  readonly eventId: string;
}

export type NoticeCounts = Readonly<Record<NoticeChannel, number>>;

/**
 * One tenant's policy version with who was told about it: the policy-change report. The
 * publication fields are null only if a notice were folded before its version's
 * publication, which the write path rules out (a notice is decided on the publication).
 */
export interface PolicyRegisterDocument extends ReadDocument {
  readonly tenantId: string;
  readonly version: string;
  readonly effectiveFrom: string | null;
  readonly material: boolean | null;
  readonly url: string | null;
  readonly textSha256: string | null;
  /** When it was published in the caller's world (`occurredAt`), and when the ledger recorded it. */
  readonly publishedAt: string | null;
  readonly recordedAt: string | null;
  readonly eventId: string | null;
  /** Global position of the publication: the report's order (publication order). */
  readonly globalPosition: number | null;
  /** Few by nature (one admin per tenant), so listed in full. */
  readonly primaryAdminNotices: readonly PrimaryAdminNotice[];
  readonly primaryAdminNoticeCounts: NoticeCounts;
  /** Possibly many: counted here, listed by the policy-notices read model. */
  readonly subjectNoticeCounts: NoticeCounts;
}

const NO_NOTICES: NoticeCounts = { email: 0, 'pop-up': 0 };

/** Read-model key of one tenant's policy version: both parts URI-encoded. */
export const policyVersionKey = (tenantId: string, version: string): string =>
  `${encodeURIComponent(tenantId)}/${encodeURIComponent(version)}`;

const asPolicyEvent = (event: StoredEvent): (StoredEvent & PolicyEvent) | null =>
  isPolicyEventType(event.type) ? (event as unknown as StoredEvent & PolicyEvent) : null;

const unpublished = (tenantId: string, version: string): DocumentBody<PolicyRegisterDocument> => ({
  tenantId,
  version,
  effectiveFrom: null,
  material: null,
  url: null,
  textSha256: null,
  publishedAt: null,
  recordedAt: null,
  eventId: null,
  globalPosition: null,
  primaryAdminNotices: [],
  primaryAdminNoticeCounts: NO_NOTICES,
  subjectNoticeCounts: NO_NOTICES,
});

export const policyRegisterProjection: Projection<PolicyRegisterDocument> = {
  name: 'policy-register',
  collection: { name: 'policy_register', indexes: [['tenantId', 'globalPosition']] },
  handles: ['policy-published', 'policy-notice-sent'],
  documentId: (event) => {
    const policyEvent = asPolicyEvent(event);
    return policyEvent ? policyVersionKey(event.metadata.tenantId, policyEvent.data.version) : null;
  },
  evolve: (current, stored) => {
    const event = asPolicyEvent(stored);
    if (!event) return null;
    const base = current ?? unpublished(stored.metadata.tenantId, event.data.version);
    switch (event.type) {
      case 'policy-published':
        // The first publication is the version; the write path never records a second.
        if (base.eventId !== null) return null;
        return {
          ...base,
          effectiveFrom: event.data.effectiveFrom,
          material: event.data.material,
          url: event.data.url,
          textSha256: event.data.textSha256,
          publishedAt: stored.occurredAt,
          recordedAt: stored.recordedAt,
          eventId: stored.id,
          globalPosition: stored.globalPosition,
        };
      case 'policy-notice-sent': {
        const channel = event.data.channel;
        if (event.data.audience === 'subject') {
          return { ...base, subjectNoticeCounts: { ...base.subjectNoticeCounts, [channel]: base.subjectNoticeCounts[channel] + 1 } };
        }
        return {
          ...base,
          primaryAdminNotices: [
            ...base.primaryAdminNotices,
            { channel, sentAt: event.data.sentAt, recordedAt: stored.recordedAt, eventId: stored.id },
          ],
          primaryAdminNoticeCounts: { ...base.primaryAdminNoticeCounts, [channel]: base.primaryAdminNoticeCounts[channel] + 1 },
        };
      }
      default: {
        const unreachable: never = event;
        return unreachable;
      }
    }
  },
};
