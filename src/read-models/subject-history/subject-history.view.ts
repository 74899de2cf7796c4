import type { KeyRing } from '../../privacy/personal-data.js';
import type { HistoryEntryDocument } from './subject-history.projection.js';

/** Text of an opened personal value (values are text today; JSON for anything else). */
const text = (value: unknown): string | null =>
  value === undefined || value === null ? null : typeof value === 'string' ? value : JSON.stringify(value);

/** The consent evidence in words, as one field: `IP …; agent …; contact …` (only the parts given). */
const consentEvidence = (opened: ReadonlyMap<string, unknown>): string | null => {
  const parts = [
    ['IP', opened.get('evidence.ipAddress')],
    ['agent', opened.get('evidence.userAgent')],
    ['contact', opened.get('evidence.contact')],
  ]
    .map(([label, value]) => [label, text(value)] as const)
    .filter(([, value]) => value !== null && value !== '')
    .map(([label, value]) => `${label} ${value}`);
  return parts.length === 0 ? null : parts.join('; ');
};

/**
 * An entry as answered (JSON and CSV): the stored document without its bookkeeping, with
 * its personal values opened (or "[erased]") and put where the timeline shows them, in the
 * same fields and order as before encryption.
 */
export const historyEntryView = (document: HistoryEntryDocument, ring: KeyRing) => {
  const opened = ring.openAll(document.tenantId, document.subjectId, document.eventId, document.personal ?? []);
  const type = document.type;
  return {
    eventId: document.eventId,
    type,
    globalPosition: document.globalPosition,
    streamPosition: document.streamPosition,
    occurredAt: document.occurredAt,
    recordedAt: document.recordedAt,
    actor: document.actor,
    purposes: document.purposes,
    policyVersion: document.policyVersion,
    channel: document.channel,
    recipientId: document.recipientId,
    recipientName: document.recipientName,
    recipientKind: document.recipientKind,
    country: document.country,
    dataCategories: document.dataCategories,
    legalBasis: document.legalBasis,
    transferReference: type === 'data-transferred' ? text(opened.get('reference')) : null,
    deletionId: document.deletionId,
    dueAt: document.dueAt,
    systems: document.systems,
    system: document.system,
    evidence:
      type === 'consent-given'
        ? consentEvidence(opened)
        : type === 'deletion-completed' || type === 'recipient-notified'
          ? text(opened.get('evidence'))
          : null,
    reason: type === 'consent-withdrawn' || type === 'deletion-requested' ? text(opened.get('reason')) : null,
    grievanceId: document.grievanceId ?? null,
    category: document.category ?? null,
    outcome: document.outcome ?? null,
    resolvedOnTime: document.resolvedOnTime ?? null,
    grievanceDescription: type === 'grievance-lodged' ? text(opened.get('description')) : null,
    description: document.description,
  };
};

export type HistoryEntry = ReturnType<typeof historyEntryView>;
