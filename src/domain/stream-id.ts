/**
 * One stream per data subject, named `<category>-<id>` as EventStoreDB's category
 * projections expect. Both parts are URI-encoded and joined by '/', which encoding never
 * leaves in place, so no tenant id can forge another tenant's subject stream.
 */
export const SUBJECT_STREAM_CATEGORY = 'subject';

export const subjectStreamId = (tenantId: string, subjectId: string): string =>
  `${SUBJECT_STREAM_CATEGORY}-${encodeURIComponent(tenantId)}/${encodeURIComponent(subjectId)}`;

/**
 * A tenant's policy publications: one small stream per tenant, read in full by every
 * consent command to learn the published versions. Notices go elsewhere (below) so that
 * however many are sent, consent never reads them.
 */
export const POLICY_STREAM_CATEGORY = 'policy';

export const policyStreamId = (tenantId: string): string => `${POLICY_STREAM_CATEGORY}-${encodeURIComponent(tenantId)}`;

/** The notices sent about one policy version of one tenant, escaped like subject streams. */
export const POLICY_NOTICE_STREAM_CATEGORY = 'policynotice';

export const policyNoticeStreamId = (tenantId: string, version: string): string =>
  `${POLICY_NOTICE_STREAM_CATEGORY}-${encodeURIComponent(tenantId)}/${encodeURIComponent(version)}`;

/** A tenant's webhook subscriptions: one small stream per tenant, read whole by its commands and reads. */
export const SUBSCRIPTION_STREAM_CATEGORY = 'subscriptions';

export const subscriptionStreamId = (tenantId: string): string => `${SUBSCRIPTION_STREAM_CATEGORY}-${encodeURIComponent(tenantId)}`;
