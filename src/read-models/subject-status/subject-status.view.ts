import type { DocumentBody } from '../../projections/projection.js';
import type { SubjectStatusDocument } from './subject-status.projection.js';

export type ErasureViewState = 'none' | 'open' | 'overdue' | 'completed';

/** `overdue` is never stored: an open erasure past its due date, judged at `at`. */
export const erasureStateAt = (state: 'none' | 'open' | 'completed', dueAt: string | null, at: Date): ErasureViewState =>
  state === 'open' && dueAt !== null && Date.parse(dueAt) < at.getTime() ? 'overdue' : state;

/** The api.md shape of a subject's status. */
export const subjectStatusView = (document: DocumentBody<SubjectStatusDocument>, at: Date) => ({
  tenantId: document.tenantId,
  subjectId: document.subjectId,
  subjectType: document.subjectType,
  purposes: Object.fromEntries(
    Object.entries(document.purposes).map(([purpose, p]) => [
      purpose,
      { status: p.status, policyVersion: p.policyVersion, since: p.since, eventId: p.eventId },
    ]),
  ),
  erasure: {
    state: erasureStateAt(document.erasure.state, document.erasure.dueAt, at),
    deletionId: document.erasure.deletionId,
    requestedAt: document.erasure.requestedAt,
    dueAt: document.erasure.dueAt,
    completedAt: document.erasure.completedAt,
    pendingSystems: document.erasure.pendingSystems,
    eventIds: document.erasure.eventIds,
  },
});
