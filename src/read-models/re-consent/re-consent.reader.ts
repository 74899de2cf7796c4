import { PURPOSES } from '../../domain/catalogue.js';
import { validationFailed } from '../../domain/ledger-error.js';
import type { ReConsentBaseline } from '../../domain/policy/re-consent.js';
import type { ReadStore, Scalar, Where } from '../../read-store/read-store.port.js';
import { consentGrantsProjection, type ConsentGrantDocument } from '../consent-grants/consent-grants.projection.js';
import { MAX_PAGE_SIZE, decodeCursor, encodeCursor, type Page } from '../shared/paging.js';
import { subjectKey } from '../../projections/subject-event.js';
import { subjectStatusProjection, type SubjectStatusDocument } from '../subject-status/subject-status.projection.js';

export interface ReConsentPurpose {
  readonly purpose: string;
  readonly policyVersion: string;
  readonly since: string;
}

export interface ReConsentSubject {
  readonly subjectId: string;
  readonly purposes: ReConsentPurpose[];
}

/**
 * One page of the subjects who must consent again: those with at least one purpose granted
 * under a version other than the baseline's current ones, each with all such purposes.
 *
 * Paged by subject, never by row, so a subject's purposes are never split across pages:
 * grant rows are read in (subjectId, purpose) order in batches, gathered per subject, and
 * a subject counts only once a row of the next subject (or the end) shows it is complete.
 * The cursor is the last subject id of the page; the next page starts after it.
 *
 * Subjects whose erasure is open or completed are left out: they cannot consent again
 * (consent is refused while an erasure is open, and an erased subject takes no new facts).
 */
export const findReConsentPage = async (
  store: ReadStore,
  tenantId: string,
  baseline: ReConsentBaseline,
  limit: number,
  cursor: string | undefined,
): Promise<Page<ReConsentSubject>> => {
  const after = cursor === undefined ? undefined : reConsentCursor(cursor);
  const where: Where = {
    tenantId,
    status: 'granted',
    policyVersion: { nin: [...baseline.currentVersions] },
    ...(after !== undefined && { subjectId: { gt: after } }),
  };
  // Enough rows for the page in one batch as a rule; the loop handles the rest.
  const batch = Math.min(MAX_PAGE_SIZE, limit * 2 + PURPOSES.length);
  const kept: ReConsentSubject[] = [];
  let open: ReConsentSubject | null = null;
  let keyset: Scalar[] | undefined;
  while (kept.length <= limit) {
    const rows = await store.find<ConsentGrantDocument>(consentGrantsProjection.collection.name, {
      where,
      orderBy: ['subjectId', 'purpose'],
      limit: batch,
      ...(keyset !== undefined && { after: keyset }),
    });
    const complete: ReConsentSubject[] = [];
    for (const row of rows) {
      if (open !== null && open.subjectId !== row.subjectId) {
        complete.push(open);
        open = null;
      }
      open ??= { subjectId: row.subjectId, purposes: [] };
      open.purposes.push({ purpose: row.purpose, policyVersion: row.policyVersion, since: row.since });
    }
    const exhausted = rows.length < batch;
    if (exhausted && open !== null) complete.push(open);
    kept.push(...(await withoutErasure(store, tenantId, complete)));
    const last = rows.at(-1);
    if (exhausted || last === undefined) break;
    keyset = [last.subjectId, last.purpose, last._id];
  }
  const items = kept.slice(0, limit);
  const lastItem = items.at(-1);
  return { items, nextCursor: kept.length > limit && lastItem ? encodeCursor([lastItem.subjectId]) : null };
};

/** The subject id a page cursor resumes after; 400 naming `cursor` for one this API never gave out. */
export const reConsentCursor = (cursor: string): string => {
  const [subjectId] = decodeCursor(cursor, 1);
  if (typeof subjectId !== 'string') throw validationFailed([{ field: 'cursor', message: 'cursor is not one this API gave out' }]);
  return subjectId;
};

const withoutErasure = async (store: ReadStore, tenantId: string, subjects: readonly ReConsentSubject[]): Promise<ReConsentSubject[]> => {
  if (subjects.length === 0) return [];
  const keys = subjects.map((subject) => subjectKey(tenantId, subject.subjectId));
  const statuses = await store.getMany<SubjectStatusDocument>(subjectStatusProjection.collection.name, keys);
  return subjects.filter((subject, index) => (statuses.get(keys[index]!)?.erasure.state ?? 'none') === 'none');
};
