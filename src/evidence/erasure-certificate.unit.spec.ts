import { describe, expect, it } from '@jest/globals';
import { aSubjectStream } from '../../test/support/stored-events.js';
import { buildErasureCertificate } from './erasure-certificate.js';

const issuedAt = new Date('2026-03-01T00:00:00.000Z');

describe('buildErasureCertificate', () => {
  it('is none for a subject that never had an erasure', () => {
    const s = aSubjectStream();
    const events = [s.consentGiven(), s.dataTransferred(), s.consentWithdrawn({ purposes: [] })];
    expect(buildErasureCertificate(s.tenantId, s.subjectId, events, issuedAt)).toEqual({ state: 'none' });
    expect(buildErasureCertificate(s.tenantId, s.subjectId, [], issuedAt)).toEqual({ state: 'none' });
  });

  it('is open, naming the pending systems, until the last system confirms', () => {
    const s = aSubjectStream();
    const requested = s.deletionRequested({ systems: ['crm', 'backups'] });
    const crm = s.deletionCompleted({ deletionId: requested.data.deletionId, system: 'crm', remainingSystems: ['backups'] });
    expect(buildErasureCertificate(s.tenantId, s.subjectId, [requested], issuedAt)).toEqual({
      state: 'open',
      deletionId: requested.data.deletionId,
      pendingSystems: ['crm', 'backups'],
    });
    expect(buildErasureCertificate(s.tenantId, s.subjectId, [requested, crm], issuedAt)).toEqual({
      state: 'open',
      deletionId: requested.data.deletionId,
      pendingSystems: ['backups'],
    });
  });

  it('certifies the completed erasure with every confirmation and the proving event ids', () => {
    const s = aSubjectStream();
    const consent = s.consentGiven();
    const requested = s.deletionRequested(
      {
        systems: ['crm', 'backups'],
        trigger: 'subject-request',
        requestedAt: '2026-02-01T00:00:00.000Z',
        dueAt: '2026-03-03T00:00:00.000Z',
      },
      { occurredAt: '2026-02-01T00:00:00.000Z' },
    );
    const { deletionId } = requested.data;
    const crm = s.deletionCompleted(
      { deletionId, system: 'crm', remainingSystems: ['backups'], evidence: 'OPS-7' },
      { occurredAt: '2026-02-02T00:00:00.000Z' },
    );
    const backups = s.deletionCompleted(
      { deletionId, system: 'backups', remainingSystems: [] },
      { occurredAt: '2026-02-10T00:00:00.000Z' },
    );
    const outcome = buildErasureCertificate(s.tenantId, s.subjectId, [consent, requested, crm, backups], issuedAt);
    expect(outcome).toEqual({
      state: 'completed',
      certificate: {
        tenantId: s.tenantId,
        subjectId: s.subjectId,
        deletionId,
        trigger: 'subject-request',
        requestedAt: '2026-02-01T00:00:00.000Z',
        dueAt: '2026-03-03T00:00:00.000Z',
        completedAt: '2026-02-10T00:00:00.000Z',
        completedOnTime: true,
        systems: [
          { system: 'crm', completedAt: '2026-02-02T00:00:00.000Z', evidence: 'OPS-7', eventId: crm.id },
          { system: 'backups', completedAt: '2026-02-10T00:00:00.000Z', evidence: null, eventId: backups.id },
        ],
        recipients: [],
        eventIds: [requested.id, crm.id, backups.id],
        issuedAt: '2026-03-01T00:00:00.000Z',
      },
    });
  });

  it('says late when the last confirmation came after the due date', () => {
    const s = aSubjectStream();
    const requested = s.deletionRequested({ systems: ['crm'], requestedAt: '2026-01-01T00:00:00.000Z', dueAt: '2026-01-31T00:00:00.000Z' });
    const done = s.deletionCompleted({ deletionId: requested.data.deletionId, system: 'crm', completedAt: '2026-02-05T00:00:00.000Z' });
    const outcome = buildErasureCertificate(s.tenantId, s.subjectId, [requested, done], issuedAt);
    expect(outcome.state === 'completed' && outcome.certificate.completedOnTime).toBe(false);
  });

  it('looks at the latest erasure only: a newer open one is not certified by an older completed one', () => {
    const s = aSubjectStream();
    const first = s.deletionRequested({ systems: ['crm'] });
    const done = s.deletionCompleted({ deletionId: first.data.deletionId, system: 'crm' });
    const consent = s.consentGiven();
    const second = s.deletionRequested({ systems: ['crm'] });
    expect(buildErasureCertificate(s.tenantId, s.subjectId, [first, done, consent, second], issuedAt)).toMatchObject({
      state: 'open',
      deletionId: second.data.deletionId,
    });
    const secondDone = s.deletionCompleted({ deletionId: second.data.deletionId, system: 'crm' });
    const outcome = buildErasureCertificate(s.tenantId, s.subjectId, [first, done, consent, second, secondDone], issuedAt);
    expect(outcome.state === 'completed' && outcome.certificate.eventIds).toEqual([second.id, secondDone.id]);
  });

  it('ignores other event types and confirmations of another deletion', () => {
    const s = aSubjectStream();
    const requested = s.deletionRequested({ systems: ['crm'] });
    const stray = s.deletionCompleted({ deletionId: 'another', system: 'crm' });
    const other = s.otherEvent('something-else', { x: 1 });
    expect(buildErasureCertificate(s.tenantId, s.subjectId, [requested, stray, other], issuedAt)).toMatchObject({ state: 'open' });
  });

  it('lists the recipients of the erasure, told (when, how) or still owed as of issuance, and proves their events', () => {
    const s = aSubjectStream();
    const requested = s.deletionRequested({ systems: ['crm'], requestedAt: '2026-01-01T00:00:00.000Z', dueAt: '2026-01-31T00:00:00.000Z' });
    const { deletionId } = requested.data;
    const recipient = (id: string) => ({
      id,
      name: `${id} Ltd`,
      kind: 'processor',
      dataCategories: ['pii.name'],
      purposes: [],
      transferIds: [],
    });
    const notice = s.otherEvent('recipient-notification-required', {
      notificationId: deletionId,
      cause: 'erasure',
      deletionId,
      dueAt: '2026-01-31T00:00:00.000Z',
      recipients: [recipient('mailer'), recipient('host')],
    });
    const told = s.otherEvent('recipient-notified', {
      notificationId: deletionId,
      recipientId: 'mailer',
      cause: 'erasure',
      deletionId,
      channel: 'letter',
      notifiedAt: '2026-01-05T00:00:00.000Z',
    });
    const done = s.deletionCompleted({ deletionId, system: 'crm', completedAt: '2026-01-10T00:00:00.000Z' });
    const outcome = buildErasureCertificate(s.tenantId, s.subjectId, [requested, notice, told, done], issuedAt);
    expect(outcome.state === 'completed' && outcome.certificate.recipients).toEqual([
      {
        id: 'mailer',
        name: 'mailer Ltd',
        kind: 'processor',
        dataCategories: ['pii.name'],
        state: 'notified',
        notifiedAt: '2026-01-05T00:00:00.000Z',
        channel: 'letter',
        eventId: told.id,
      },
      {
        id: 'host',
        name: 'host Ltd',
        kind: 'processor',
        dataCategories: ['pii.name'],
        state: 'overdue',
        notifiedAt: null,
        channel: null,
        eventId: null,
      },
    ]);
    expect(outcome.state === 'completed' && outcome.certificate.eventIds).toEqual([requested.id, done.id, notice.id, told.id]);
  });
});
