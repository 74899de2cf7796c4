/**
 * One stream per data subject, named `<category>-<id>` as EventStoreDB's category
 * projections expect. Both parts are URI-encoded and joined by '/', which encoding never
 * leaves in place, so no tenant id can forge another tenant's subject stream.
 */
export const SUBJECT_STREAM_CATEGORY = 'subject';

export const subjectStreamId = (tenantId: string, subjectId: string): string =>
  `${SUBJECT_STREAM_CATEGORY}-${encodeURIComponent(tenantId)}/${encodeURIComponent(subjectId)}`;
