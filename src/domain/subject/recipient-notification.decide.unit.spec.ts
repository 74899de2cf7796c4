import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { DataCategory, LegalBasis, PurposeId } from '../catalogue.js';
import { LedgerError } from '../ledger-error.js';
import type { RecipientNotificationRequired, RecipientNotified } from './recipient-notification.events.js';
import type { DecisionContext, SubjectCommand } from './subject.commands.js';
import { decide } from './subject.decide.js';
import type { DataTransferred, SubjectEvent } from './subject.events.js';
import { foldSubject } from './subject.state.js';

// given (the subject's events) / when (a command) / then (the notice events decided).

const at = (minute: number): string => new Date(Date.UTC(2026, 2, 1, 10, minute)).toISOString();
const DAY_MS = 24 * 60 * 60 * 1000;

const aContext = (overrides: Partial<DecisionContext> = {}): DecisionContext => ({
  occurredAt: at(50),
  recordedAt: at(55),
  newId: randomUUID(),
  erasureDays: 30,
  erasureSystems: ['crm', 'backups'],
  ...overrides,
});

const consented = (purposes: readonly PurposeId[]): SubjectEvent => ({
  type: 'consent-given',
  occurredAt: at(1),
  data: { purposes, policyVersion: 'v1', channel: 'web' },
});

const transferred = (
  recipientId: string,
  purpose: PurposeId,
  dataCategories: readonly DataCategory[],
  { legalBasis = 'consent', name = `${recipientId} Ltd`, minute = 5 }: { legalBasis?: LegalBasis; name?: string; minute?: number } = {},
): DataTransferred => ({
  type: 'data-transferred',
  occurredAt: at(minute),
  data: {
    transferId: randomUUID(),
    recipient: { id: recipientId, name, kind: 'processor' },
    country: 'SG',
    dataCategories,
    purpose,
    legalBasis,
  },
});

const decided = (events: readonly SubjectEvent[], command: SubjectCommand, context = aContext()): SubjectEvent[] =>
  decide(command, foldSubject(events), context);

const notices = (events: readonly SubjectEvent[]): RecipientNotificationRequired[] =>
  events.filter((e): e is RecipientNotificationRequired => e.type === 'recipient-notification-required');

const refusal = (run: () => unknown): LedgerError => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(LedgerError);
    return error as LedgerError;
  }
  throw new Error('expected a refusal');
};

describe('when an erasure is requested after transfers', () => {
  it('owes a notice to every recipient, with the union of what each received, due with the erasure', () => {
    const a1 = transferred('mailer', 'marketing-communications', ['pii.email-address', 'pii.name'], { minute: 3 });
    const a2 = transferred('mailer', 'usage-analytics', ['npii.pages-viewed', 'pii.name'], { minute: 4, name: 'Mailer Inc (renamed)' });
    const b = transferred('host', 'service-access', ['pii.call-records'], { legalBasis: 'contract', minute: 6 });
    const context = aContext();
    const events = decided([consented(['marketing-communications', 'usage-analytics']), a1, a2, b], { type: 'request-erasure' }, context);

    expect(events.map((e) => e.type)).toEqual(['deletion-requested', 'recipient-notification-required']);
    const [erasure, notice] = events as [Extract<SubjectEvent, { type: 'deletion-requested' }>, RecipientNotificationRequired];
    expect(notice).toEqual({
      type: 'recipient-notification-required',
      occurredAt: context.occurredAt,
      data: {
        notificationId: erasure.data.deletionId,
        cause: 'erasure',
        deletionId: erasure.data.deletionId,
        dueAt: erasure.data.dueAt,
        recipients: [
          {
            id: 'mailer',
            name: 'Mailer Inc (renamed)',
            kind: 'processor',
            dataCategories: ['npii.pages-viewed', 'pii.email-address', 'pii.name'],
            purposes: ['marketing-communications', 'usage-analytics'],
            transferIds: [a1.data.transferId, a2.data.transferId],
          },
          {
            id: 'host',
            name: 'host Ltd',
            kind: 'processor',
            dataCategories: ['pii.call-records'],
            purposes: ['service-access'],
            transferIds: [b.data.transferId],
          },
        ],
      },
    });
  });

  it('owes nothing when nothing was transferred', () => {
    expect(decided([consented(['crm-access'])], { type: 'request-erasure' }).map((e) => e.type)).toEqual(['deletion-requested']);
  });
});

describe('when the last consent is withdrawn (an erasure opens)', () => {
  it('writes only the erasure notice, covering every recipient once (no duplicate duty for the withdrawal)', () => {
    const viaConsent = transferred('mailer', 'marketing-communications', ['pii.email-address']);
    const viaContract = transferred('host', 'service-access', ['pii.name'], { legalBasis: 'contract' });
    const events = decided([consented(['marketing-communications']), viaConsent, viaContract], { type: 'withdraw-consent' });

    expect(events.map((e) => e.type)).toEqual(['consent-withdrawn', 'deletion-requested', 'recipient-notification-required']);
    const [notice] = notices(events);
    expect(notice?.data.cause).toBe('erasure');
    expect(notice?.data.recipients.map((r) => r.id)).toEqual(['mailer', 'host']);
  });
});

describe('when consent is withdrawn for some purposes (no erasure)', () => {
  const history = () => {
    const marketing = transferred('mailer', 'marketing-communications', ['pii.email-address']);
    const analytics = transferred('tracker', 'usage-analytics', ['npii.cookies']);
    const contract = transferred('crm-vendor', 'marketing-communications', ['pii.name'], { legalBasis: 'contract' });
    const stillGranted = transferred('insights', 'actionable-insights', ['pii.call-records']);
    return {
      events: [
        consented(['marketing-communications', 'usage-analytics', 'actionable-insights']),
        marketing,
        analytics,
        contract,
        stillGranted,
      ],
      marketing,
    };
  };

  it('owes a notice only to the recipients of consent-based transfers for the purposes withdrawn', () => {
    const { events, marketing } = history();
    const context = aContext();
    const decidedEvents = decided(events, { type: 'withdraw-consent', purposes: ['marketing-communications'] }, context);

    expect(decidedEvents.map((e) => e.type)).toEqual(['consent-withdrawn', 'recipient-notification-required']);
    expect(notices(decidedEvents)[0]).toEqual({
      type: 'recipient-notification-required',
      occurredAt: context.occurredAt,
      data: {
        notificationId: context.newId,
        cause: 'consent-withdrawn',
        withdrawnPurposes: ['marketing-communications'],
        dueAt: new Date(Date.parse(context.occurredAt) + 30 * DAY_MS).toISOString(),
        recipients: [
          {
            id: 'mailer',
            name: 'mailer Ltd',
            kind: 'processor',
            dataCategories: ['pii.email-address'],
            purposes: ['marketing-communications'],
            transferIds: [marketing.data.transferId],
          },
        ],
      },
    });
  });

  it('owes nothing for a purpose nothing was transferred under', () => {
    const events = [consented(['crm-access', 'usage-analytics']), transferred('tracker', 'usage-analytics', ['npii.cookies'])];
    expect(decided(events, { type: 'withdraw-consent', purposes: ['crm-access'] }).map((e) => e.type)).toEqual(['consent-withdrawn']);
  });

  it('owes nothing again for a purpose re-granted and withdrawn again with no transfer since', () => {
    const transfer = transferred('mailer', 'marketing-communications', ['pii.email-address']);
    const base: SubjectEvent[] = [consented(['marketing-communications', 'usage-analytics']), transfer];
    const first = decided(base, { type: 'withdraw-consent', purposes: ['marketing-communications'] });
    expect(notices(first)).toHaveLength(1);
    const regranted = [...base, ...first, consented(['marketing-communications'])];
    expect(decided(regranted, { type: 'withdraw-consent', purposes: ['marketing-communications'] }).map((e) => e.type)).toEqual([
      'consent-withdrawn',
    ]);
    // A new transfer after the re-grant is owed a notice of its own.
    const again = transferred('mailer', 'marketing-communications', ['pii.name'], { minute: 30 });
    const second = decided([...regranted, again], { type: 'withdraw-consent', purposes: ['marketing-communications'] });
    expect(notices(second)[0]?.data.recipients).toEqual([expect.objectContaining({ id: 'mailer', transferIds: [again.data.transferId] })]);
  });

  it('leaves out the transfers already covered by the notice of the open erasure', () => {
    const before = transferred('mailer', 'marketing-communications', ['pii.email-address']);
    const erasureOpened = decided([consented(['marketing-communications', 'usage-analytics']), before], { type: 'request-erasure' });
    // Transferred on consent while the erasure is open: not in the erasure's notice.
    const during = transferred('tracker', 'usage-analytics', ['npii.cookies'], { minute: 40 });
    const history = [consented(['marketing-communications', 'usage-analytics']), before, ...erasureOpened, during];

    const all = decided(history, { type: 'withdraw-consent' });
    expect(all.map((e) => e.type)).toEqual(['consent-withdrawn', 'recipient-notification-required']);
    expect(notices(all)[0]?.data.recipients.map((r) => r.id)).toEqual(['tracker']);
    expect(decided(history, { type: 'withdraw-consent', purposes: ['marketing-communications'] }).map((e) => e.type)).toEqual([
      'consent-withdrawn',
    ]);
  });
});

describe('when a recipient is recorded as told', () => {
  const owedTwo = () => {
    const base: SubjectEvent[] = [
      consented(['marketing-communications']),
      transferred('mailer', 'marketing-communications', ['pii.email-address']),
      transferred('host', 'service-access', ['pii.name'], { legalBasis: 'contract' }),
    ];
    const opened = decided(base, { type: 'request-erasure' });
    return { events: [...base, ...opened], deletionId: notices(opened)[0]!.data.notificationId };
  };

  it('answers the notice for that recipient, with how and when', () => {
    const { events, deletionId } = owedTwo();
    const context = aContext({ occurredAt: at(58) });
    expect(
      decided(events, { type: 'record-recipient-notification', recipientId: 'mailer', channel: 'email', evidence: 'msg-1' }, context),
    ).toEqual([
      {
        type: 'recipient-notified',
        occurredAt: at(58),
        data: {
          notificationId: deletionId,
          recipientId: 'mailer',
          cause: 'erasure',
          deletionId,
          channel: 'email',
          notifiedAt: at(58),
          evidence: 'msg-1',
        },
      } satisfies RecipientNotified,
    ]);
  });

  it('changes nothing for a recipient already told', () => {
    const { events } = owedTwo();
    const told = decided(events, { type: 'record-recipient-notification', recipientId: 'host', channel: 'letter' });
    expect(decided([...events, ...told], { type: 'record-recipient-notification', recipientId: 'host', channel: 'email' })).toEqual([]);
  });

  it('answers every notice still owed to the recipient when no notificationId is given', () => {
    const base: SubjectEvent[] = [
      consented(['marketing-communications', 'usage-analytics']),
      transferred('mailer', 'marketing-communications', ['pii.email-address']),
    ];
    const withdrawal = decided(base, { type: 'withdraw-consent', purposes: ['marketing-communications'] });
    const erasure = decided([...base, ...withdrawal], { type: 'request-erasure' });
    const events = [...base, ...withdrawal, ...erasure];
    const told = decided(events, { type: 'record-recipient-notification', recipientId: 'mailer', channel: 'api' });
    expect(told.map((e) => e.type === 'recipient-notified' && [e.data.notificationId, e.data.cause])).toEqual([
      [notices(withdrawal)[0]!.data.notificationId, 'consent-withdrawn'],
      [notices(erasure)[0]!.data.notificationId, 'erasure'],
    ]);
  });

  it('refuses a recipient never owed a notice, naming recipientId', () => {
    const { events } = owedTwo();
    const error = refusal(() => decided(events, { type: 'record-recipient-notification', recipientId: 'stranger', channel: 'email' }));
    expect([error.code, error.status, error.errors?.map((e) => e.field)]).toEqual(['no-notification-owed', 409, ['recipientId']]);
  });

  it('refuses an unknown notificationId, naming it', () => {
    const { events } = owedTwo();
    const error = refusal(() =>
      decided(events, { type: 'record-recipient-notification', recipientId: 'mailer', notificationId: randomUUID(), channel: 'email' }),
    );
    expect([error.code, error.errors?.map((e) => e.field)]).toEqual(['no-notification-owed', ['notificationId']]);
  });

  it('refuses a notice that is not owed to that recipient, naming recipientId', () => {
    const base: SubjectEvent[] = [
      consented(['marketing-communications', 'usage-analytics']),
      transferred('mailer', 'marketing-communications', ['pii.email-address']),
      transferred('tracker', 'usage-analytics', ['npii.cookies']),
    ];
    const withdrawal = decided(base, { type: 'withdraw-consent', purposes: ['marketing-communications'] });
    const notificationId = notices(withdrawal)[0]!.data.notificationId;
    const error = refusal(() =>
      decided([...base, ...withdrawal], {
        type: 'record-recipient-notification',
        recipientId: 'tracker',
        notificationId,
        channel: 'email',
      }),
    );
    expect([error.code, error.errors?.map((e) => e.field)]).toEqual(['no-notification-owed', ['recipientId']]);
  });

  it('is accepted after the erasure completed, but not with evidence', () => {
    const { events } = owedTwo();
    const crm = decided(events, { type: 'confirm-erasure', system: 'crm' });
    const backups = decided([...events, ...crm], { type: 'confirm-erasure', system: 'backups' });
    const erased = [...events, ...crm, ...backups];
    expect(decided(erased, { type: 'record-recipient-notification', recipientId: 'mailer', channel: 'email' }).map((e) => e.type)).toEqual([
      'recipient-notified',
    ]);
    const error = refusal(() =>
      decided(erased, { type: 'record-recipient-notification', recipientId: 'mailer', channel: 'email', evidence: 'msg-2' }),
    );
    expect([error.code, error.errors?.map((e) => e.field)]).toEqual(['subject-erased', ['evidence']]);
  });
});
