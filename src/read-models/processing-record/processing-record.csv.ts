import { stringify } from 'csv-stringify/sync';
import type { ProcessingRecord } from './processing-record.js';

type Row = readonly [section: string, item: string, kind: string, country: string, measure: string, value: unknown];

const HEADER = ['section', 'item', 'kind', 'country', 'measure', 'value'];

const cell = (value: unknown): string =>
  value === null || value === undefined ? '' : Array.isArray(value) ? value.join(';') : String(value);

/**
 * The record as one long table (section, item, kind, country, measure, value): every figure
 * on its own row, so a regulator's spreadsheet can filter and pivot it without knowing the
 * JSON shape.
 */
export const processingRecordCsv = (record: ProcessingRecord): string => {
  const rows: Row[] = [
    ['record', record.tenantId, '', record.jurisdiction, 'generated-at', record.generatedAt],
    ...record.purposes.flatMap((p): Row[] => [
      ['purpose', p.purpose, '', '', 'subjects-granted', p.subjectsGranted],
      ['purpose', p.purpose, '', '', 'transfers', p.transfers],
    ]),
    ['subjects', 'all', '', '', 'count', record.subjects.total],
    ...Object.entries(record.subjects.byType).map(([type, n]): Row => ['subjects', type, '', '', 'count', n]),
    ['transfers', 'all', '', '', 'count', record.transfers],
    ...record.dataCategoriesTransferred.map((c): Row => ['data-category', c.category, '', '', 'transfers', c.transfers]),
    ...record.legalBases.map((b): Row => ['legal-basis', b.legalBasis, '', '', 'transfers', b.transfers]),
    ...record.recipients.flatMap((r): Row[] => [
      ['recipient', r.id, r.kind, r.countries.join(';'), 'name', r.name],
      ['recipient', r.id, r.kind, r.countries.join(';'), 'transfers', r.transfers],
      ['recipient', r.id, r.kind, r.countries.join(';'), 'data-categories', r.dataCategories],
      ['recipient', r.id, r.kind, r.countries.join(';'), 'legal-bases', r.legalBases],
    ]),
    ...record.recipientsByKindAndCountry.flatMap((k): Row[] => [
      ['recipients-by-kind-and-country', k.kind, k.kind, k.country, 'recipients', k.recipients],
      ['recipients-by-kind-and-country', k.kind, k.kind, k.country, 'transfers', k.transfers],
    ]),
    ...record.crossBorder.flatMap((d): Row[] => [
      ['cross-border', d.country, '', d.country, 'transfers', d.transfers],
      ['cross-border', d.country, '', d.country, 'recipients', d.recipients],
      ['cross-border', d.country, '', d.country, 'legal-bases', d.legalBases],
      ['cross-border', d.country, '', d.country, 'first-at', d.firstAt],
      ['cross-border', d.country, '', d.country, 'last-at', d.lastAt],
    ]),
    ['erasure', 'deadline', '', '', 'days', record.erasure.deadlineDays],
    ['erasure', 'systems', '', '', 'list', record.erasure.systems],
    ['erasure', 'all', '', '', 'requested', record.erasure.requested],
    ['erasure', 'all', '', '', 'completed', record.erasure.completed],
    ['erasure', 'all', '', '', 'completed-on-time', record.erasure.completedOnTime],
    ['erasure', 'all', '', '', 'on-time-share', record.erasure.onTimeShare],
    ['erasure', 'all', '', '', 'open', record.erasure.open],
    ['erasure', 'all', '', '', 'overdue', record.erasure.overdue],
    ['grievance', 'deadline', '', '', 'period', record.grievances.deadline],
    ['grievance', 'all', '', '', 'lodged', record.grievances.lodged],
    ['grievance', 'all', '', '', 'resolved', record.grievances.resolved],
    ['grievance', 'all', '', '', 'resolved-on-time', record.grievances.resolvedOnTime],
    ['grievance', 'all', '', '', 'on-time-share', record.grievances.onTimeShare],
    ['grievance', 'all', '', '', 'open', record.grievances.open],
    ['grievance', 'all', '', '', 'overdue', record.grievances.overdue],
  ];
  return stringify([HEADER, ...rows.map((row) => row.map(cell))]);
};
