import type { ReadDocument } from '../../read-store/read-store.port.js';
import type { DocumentBody, Projection } from '../../projections/projection.js';
import { asSubjectEvent, type StoredSubjectEvent } from '../../projections/subject-event.js';

/** How often one value was seen. Lists, not maps: category and recipient ids contain dots, which MongoDB keys must not. */
export interface Tally {
  readonly key: string;
  readonly transfers: number;
}

export interface RecipientSummary {
  readonly id: string;
  /** The name given on the latest transfer (a recipient may be renamed). */
  readonly name: string;
  readonly kind: string;
  readonly transfers: number;
  readonly firstAt: string;
  readonly lastAt: string;
  readonly countries: readonly string[];
  readonly dataCategories: readonly string[];
  readonly purposes: readonly string[];
  readonly legalBases: readonly string[];
}

export interface DestinationSummary {
  readonly country: string;
  readonly transfers: number;
  readonly firstAt: string;
  readonly lastAt: string;
  readonly recipientIds: readonly string[];
  readonly recipientKinds: readonly string[];
  readonly dataCategories: readonly string[];
  readonly legalBases: readonly string[];
}

export interface KindCountrySummary {
  readonly kind: string;
  readonly country: string;
  readonly transfers: number;
  readonly recipientIds: readonly string[];
}

/**
 * Everything a processing record says about one tenant's transfers, kept as running totals
 * so the record never scans the transfer register. Exact under replay: the runner skips an
 * event the document has already applied (by `_position`), so no transfer counts twice.
 */
export interface TransferSummaryDocument extends ReadDocument {
  readonly tenantId: string;
  readonly transfers: number;
  readonly dataCategories: readonly Tally[];
  readonly purposes: readonly Tally[];
  readonly legalBases: readonly Tally[];
  readonly recipients: readonly RecipientSummary[];
  readonly destinations: readonly DestinationSummary[];
  readonly byKindAndCountry: readonly KindCountrySummary[];
}

type Body = DocumentBody<TransferSummaryDocument>;
type Transfer = Extract<StoredSubjectEvent, { type: 'data-transferred' }>;

const withValue = (list: readonly string[], value: string): string[] =>
  list.includes(value) ? [...list] : [...list, value].sort();

const withValues = (list: readonly string[], values: readonly string[]): string[] =>
  values.reduce<string[]>((acc, value) => withValue(acc, value), [...list]);

/**
 * Replaces (or adds) the entry matching `match`, keeping the list sorted by `sortKey` so documents
 * are deterministic. The list is kept sorted, so an entry is replaced where it is and a new one
 * inserted at its place: no re-sort per event (this runs for every transfer of a tenant).
 */
const upsert = <T>(list: readonly T[], match: (item: T) => boolean, next: (current: T | undefined) => T, sortKey: (item: T) => string): T[] => {
  const index = list.findIndex(match);
  if (index >= 0) {
    const copy = [...list];
    copy[index] = next(list[index]);
    return copy;
  }
  const added = next(undefined);
  const key = sortKey(added);
  const at = list.findIndex((item) => sortKey(item) > key);
  return at < 0 ? [...list, added] : [...list.slice(0, at), added, ...list.slice(at)];
};

const tally = (list: readonly Tally[], keys: readonly string[]): Tally[] =>
  keys.reduce<Tally[]>(
    (acc, key) => upsert(acc, (t) => t.key === key, (t) => ({ key, transfers: (t?.transfers ?? 0) + 1 }), (t) => t.key),
    [...list],
  );

const earlier = (a: string, b: string): string => (a <= b ? a : b);
const later = (a: string, b: string): string => (a >= b ? a : b);

const addRecipient = (list: readonly RecipientSummary[], event: Transfer): RecipientSummary[] => {
  const { recipient, country, dataCategories, purpose, legalBasis } = event.data;
  const at = event.occurredAt;
  return upsert(
    list,
    (r) => r.id === recipient.id,
    (r) => ({
      id: recipient.id,
      name: r === undefined || at >= r.lastAt ? recipient.name : r.name,
      kind: recipient.kind,
      transfers: (r?.transfers ?? 0) + 1,
      firstAt: r ? earlier(r.firstAt, at) : at,
      lastAt: r ? later(r.lastAt, at) : at,
      countries: withValue(r?.countries ?? [], country),
      dataCategories: withValues(r?.dataCategories ?? [], dataCategories),
      purposes: withValue(r?.purposes ?? [], purpose),
      legalBases: withValue(r?.legalBases ?? [], legalBasis),
    }),
    (r) => r.id,
  );
};

const addDestination = (list: readonly DestinationSummary[], event: Transfer): DestinationSummary[] => {
  const { recipient, country, dataCategories, legalBasis } = event.data;
  const at = event.occurredAt;
  return upsert(
    list,
    (d) => d.country === country,
    (d) => ({
      country,
      transfers: (d?.transfers ?? 0) + 1,
      firstAt: d ? earlier(d.firstAt, at) : at,
      lastAt: d ? later(d.lastAt, at) : at,
      recipientIds: withValue(d?.recipientIds ?? [], recipient.id),
      recipientKinds: withValue(d?.recipientKinds ?? [], recipient.kind),
      dataCategories: withValues(d?.dataCategories ?? [], dataCategories),
      legalBases: withValue(d?.legalBases ?? [], legalBasis),
    }),
    (d) => d.country,
  );
};

const addKindAndCountry = (list: readonly KindCountrySummary[], event: Transfer): KindCountrySummary[] => {
  const { recipient, country } = event.data;
  return upsert(
    list,
    (k) => k.kind === recipient.kind && k.country === country,
    (k) => ({
      kind: recipient.kind,
      country,
      transfers: (k?.transfers ?? 0) + 1,
      recipientIds: withValue(k?.recipientIds ?? [], recipient.id),
    }),
    (k) => `${k.kind}\u0000${k.country}`,
  );
};

const EMPTY = (tenantId: string): Body => ({
  tenantId,
  transfers: 0,
  dataCategories: [],
  purposes: [],
  legalBases: [],
  recipients: [],
  destinations: [],
  byKindAndCountry: [],
});

export const transferSummaryProjection: Projection<TransferSummaryDocument> = {
  name: 'transfer-summary',
  collection: { name: 'transfer_summary', indexes: [] },
  handles: ['data-transferred'],
  documentId: (event) => (event.type === 'data-transferred' ? event.metadata.tenantId : null),
  evolve: (current, stored) => {
    const event = asSubjectEvent(stored);
    if (event?.type !== 'data-transferred') return null;
    const base = current ?? EMPTY(stored.metadata.tenantId);
    return {
      tenantId: base.tenantId,
      transfers: base.transfers + 1,
      dataCategories: tally(base.dataCategories, event.data.dataCategories),
      purposes: tally(base.purposes, [event.data.purpose]),
      legalBases: tally(base.legalBases, [event.data.legalBasis]),
      recipients: addRecipient(base.recipients, event),
      destinations: addDestination(base.destinations, event),
      byKindAndCountry: addKindAndCountry(base.byKindAndCountry, event),
    };
  },
};
