import type { StoredEvent } from '../event-store/event-store.port.js';
import { asSubjectEvent } from '../projections/subject-event.js';

export interface ErasureCertificate {
  readonly tenantId: string;
  readonly subjectId: string;
  readonly deletionId: string;
  readonly trigger: string;
  readonly requestedAt: string;
  readonly dueAt: string;
  readonly completedAt: string;
  readonly completedOnTime: boolean;
  readonly systems: readonly { system: string; completedAt: string; evidence: string | null; eventId: string }[];
  /** The deletion-requested event's id first, then every deletion-completed id in stream order. */
  readonly eventIds: readonly string[];
  readonly issuedAt: string;
}

export type ErasureCertificateOutcome =
  | { readonly state: 'none' }
  | { readonly state: 'open'; readonly deletionId: string; readonly pendingSystems: readonly string[] }
  | { readonly state: 'completed'; readonly certificate: ErasureCertificate };

interface Draft {
  deletionId: string;
  requestEventId: string;
  trigger: string;
  requestedAt: string;
  dueAt: string;
  pending: readonly string[];
  confirmations: { system: string; completedAt: string; evidence: string | null; eventId: string }[];
  completedAt: string | null;
}

/**
 * The data of an erasure certificate, from the subject's own events: the latest erasure
 * (the last deletion-requested) must have every system confirmed. Pure: the caller signs.
 */
export const buildErasureCertificate = (
  tenantId: string,
  subjectId: string,
  events: readonly StoredEvent[],
  issuedAt: Date,
): ErasureCertificateOutcome => {
  let latest: Draft | null = null;
  for (const stored of events) {
    const event = asSubjectEvent(stored);
    if (!event) continue;
    if (event.type === 'deletion-requested') {
      latest = {
        deletionId: event.data.deletionId,
        requestEventId: stored.id,
        trigger: event.data.trigger,
        requestedAt: event.data.requestedAt,
        dueAt: event.data.dueAt,
        pending: event.data.systems,
        confirmations: [],
        completedAt: null,
      };
    } else if (event.type === 'deletion-completed' && latest && event.data.deletionId === latest.deletionId) {
      latest.confirmations.push({ system: event.data.system, completedAt: event.data.completedAt, evidence: event.data.evidence ?? null, eventId: stored.id });
      latest.pending = event.data.remainingSystems;
      if (event.data.remainingSystems.length === 0) latest.completedAt = event.data.completedAt;
    }
  }
  if (!latest) return { state: 'none' };
  if (latest.completedAt === null) return { state: 'open', deletionId: latest.deletionId, pendingSystems: latest.pending };
  return {
    state: 'completed',
    certificate: {
      tenantId,
      subjectId,
      deletionId: latest.deletionId,
      trigger: latest.trigger,
      requestedAt: latest.requestedAt,
      dueAt: latest.dueAt,
      completedAt: latest.completedAt,
      completedOnTime: Date.parse(latest.completedAt) <= Date.parse(latest.dueAt),
      systems: latest.confirmations,
      eventIds: [latest.requestEventId, ...latest.confirmations.map((c) => c.eventId)],
      issuedAt: issuedAt.toISOString(),
    },
  };
};
