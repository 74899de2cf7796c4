import { isPolicyEventType, type NoticeAudience, type NoticeChannel, type PolicyNoticeSent } from '../../domain/policy/policy.events.js';
import type { StoredEvent } from '../../event-store/event-store.port.js';
import type { ReadDocument } from '../../read-store/read-store.port.js';
import type { Projection } from '../../projections/projection.js';

/** One notice sent about a policy version: the paged list behind the report's counts. */
export interface PolicyNoticeDocument extends ReadDocument {
  readonly tenantId: string;
  readonly version: string;
  readonly eventId: string;
  readonly channel: NoticeChannel;
  readonly audience: NoticeAudience;
  /** The subject told, or null for the primary admin. */
  readonly subjectId: string | null;
  readonly sentAt: string;
  readonly recordedAt: string;
  readonly globalPosition: number;
}

const asNotice = (event: StoredEvent): (StoredEvent & PolicyNoticeSent) | null =>
  isPolicyEventType(event.type) && event.type === 'policy-notice-sent' ? (event as unknown as StoredEvent & PolicyNoticeSent) : null;

export const policyNoticesProjection: Projection<PolicyNoticeDocument> = {
  name: 'policy-notices',
  collection: { name: 'policy_notices', indexes: [['tenantId', 'version', 'sentAt']] },
  handles: ['policy-notice-sent'],
  documentId: (event) => (asNotice(event) ? event.id : null),
  evolve: (current, stored) => {
    const notice = asNotice(stored);
    if (current || !notice) return null;
    return {
      tenantId: stored.metadata.tenantId,
      version: notice.data.version,
      eventId: stored.id,
      channel: notice.data.channel,
      audience: notice.data.audience,
      subjectId: notice.data.subjectId ?? null,
      sentAt: notice.data.sentAt,
      recordedAt: stored.recordedAt,
      globalPosition: stored.globalPosition,
    };
  },
};
