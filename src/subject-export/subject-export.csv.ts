import { stringify } from 'csv-stringify/sync';
import type { SubjectExport } from './subject-export.js';

const cell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join(';');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
};

const section = (title: string, header: readonly string[], rows: readonly (readonly unknown[])[]): string =>
  `# ${title}\n${stringify([header, ...rows.map((row) => row.map(cell))])}`;

/**
 * One CSV file in sections, each introduced by a `# name` line and separated by a blank
 * line: a spreadsheet opens it whole, and a script splits it on the `# ` lines.
 */
export const subjectExportCsv = (data: SubjectExport): string =>
  [
    section(
      'subject',
      ['tenantId', 'subjectId', 'exportedAt', 'eventCount', 'erasureState'],
      [[data.tenantId, data.subjectId, data.exportedAt, data.eventCount, data.status?.erasure.state ?? 'none']],
    ),
    section(
      'consents',
      ['eventId', 'occurredAt', 'recordedAt', 'purposes', 'policyVersion', 'channel', 'evidence', 'actor'],
      data.consents.map((c) => [c.eventId, c.occurredAt, c.recordedAt, c.purposes, c.policyVersion, c.channel, c.evidence, c.actor]),
    ),
    section(
      'withdrawals',
      ['eventId', 'occurredAt', 'recordedAt', 'purposes', 'channel', 'reason', 'actor'],
      data.withdrawals.map((w) => [w.eventId, w.occurredAt, w.recordedAt, w.purposes, w.channel, w.reason, w.actor]),
    ),
    section(
      'transfers',
      [
        'eventId',
        'transferId',
        'occurredAt',
        'recipientId',
        'recipientName',
        'recipientKind',
        'country',
        'dataCategories',
        'purpose',
        'legalBasis',
        'reference',
      ],
      data.transfers.map((t) => [
        t.eventId,
        t.transferId,
        t.occurredAt,
        t.recipient.id,
        t.recipient.name,
        t.recipient.kind,
        t.country,
        t.dataCategories,
        t.purpose,
        t.legalBasis,
        t.reference,
      ]),
    ),
    section(
      'recipients',
      ['id', 'name', 'kind', 'countries', 'dataCategories', 'transfers', 'firstAt', 'lastAt'],
      data.recipients.map((r) => [r.id, r.name, r.kind, r.countries, r.dataCategories, r.transfers, r.firstAt, r.lastAt]),
    ),
    section(
      'erasures',
      ['deletionId', 'trigger', 'requestedAt', 'dueAt', 'systems', 'completedAt', 'completedOnTime', 'confirmations', 'shreddedAt'],
      data.erasures.map((e) => [
        e.deletionId,
        e.trigger,
        e.requestedAt,
        e.dueAt,
        e.systems,
        e.completedAt,
        e.completedOnTime,
        e.confirmations.map((c) => `${c.system}@${c.completedAt}`),
        e.shreddedAt,
      ]),
    ),
    section(
      'recipient-notifications',
      [
        'notificationId',
        'cause',
        'deletionId',
        'dueAt',
        'recipientId',
        'recipientName',
        'dataCategories',
        'state',
        'notifiedAt',
        'channel',
      ],
      data.recipientNotifications.flatMap((n) =>
        n.recipients.map((r) => [
          n.notificationId,
          n.cause,
          n.deletionId,
          n.dueAt,
          r.id,
          r.name,
          r.dataCategories,
          r.state,
          r.notifiedAt,
          r.channel,
        ]),
      ),
    ),
    section(
      'grievances',
      ['grievanceId', 'category', 'channel', 'receivedAt', 'dueAt', 'state', 'outcome', 'resolvedAt', 'resolvedOnTime', 'description'],
      data.grievances.map((g) => [
        g.grievanceId,
        g.category,
        g.channel,
        g.receivedAt,
        g.dueAt,
        g.state,
        g.outcome,
        g.resolvedAt,
        g.resolvedOnTime,
        g.description,
      ]),
    ),
  ].join('\n');
