import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { documentAfter } from '../../../test/support/fold-projection.js';
import { aSubjectStream } from '../../../test/support/stored-events.js';
import type { StoredEvent } from '../../event-store/event-store.port.js';
import { erasureMonitorProjection } from './erasure-monitor.projection.js';

const projection = erasureMonitorProjection;

/** given these events of one erasure, when one more is applied: the next document. */
const given = (events: readonly StoredEvent[]) => ({
  when: (event: StoredEvent) => projection.evolve(documentAfter(projection, events), event),
});

describe('erasure-monitor projection', () => {
  describe('when an erasure is requested', () => {
    it('opens it, pending in every system, keyed by the deletion id', () => {
      const subject = aSubjectStream();
      const request = subject.deletionRequested({ systems: ['crm', 'backups'], trigger: 'all-consent-withdrawn' });

      const document = given([]).when(request);

      expect(projection.documentId(request)).toBe(request.data.deletionId);
      expect(document).toEqual({
        deletionId: request.data.deletionId,
        tenantId: subject.tenantId,
        subjectId: subject.subjectId,
        state: 'open',
        trigger: 'all-consent-withdrawn',
        requestedAt: request.data.requestedAt,
        dueAt: request.data.dueAt,
        completedAt: null,
        systems: ['crm', 'backups'],
        pendingSystems: ['crm', 'backups'],
        confirmations: [],
        deliveries: [],
        hoursToComplete: null,
        completedOnTime: null,
        recipients: [],
        recipientsOwed: 0,
      });
    });

    it('ignores a second request for the same deletion id', () => {
      const subject = aSubjectStream();
      const request = subject.deletionRequested();
      const again = subject.deletionRequested({ deletionId: request.data.deletionId, systems: ['analytics'] });

      expect(given([request]).when(again)).toBeNull();
    });
  });

  describe('when erasure tasks are delivered', () => {
    const delivered = (subject: ReturnType<typeof aSubjectStream>, deletionId: string, system: string, deliveredAt: string) =>
      subject.otherEvent('erasure-task-delivered', { deletionId, system, deliveredAt, subscriptionId: 'sub-1' });

    it('lists the first delivery per system, and ignores a repeat and an unknown erasure', () => {
      const subject = aSubjectStream();
      const request = subject.deletionRequested({ systems: ['crm', 'backups'] });
      const { deletionId } = request.data;
      const crm = delivered(subject, deletionId, 'crm', '2026-01-01T00:00:05.000Z');
      const again = delivered(subject, deletionId, 'crm', '2026-01-01T01:00:00.000Z');
      const backups = delivered(subject, deletionId, 'backups', '2026-01-01T00:00:09.000Z');

      expect(projection.documentId(crm)).toBe(deletionId);
      expect(given([request]).when(crm)?.deliveries).toEqual([
        { system: 'crm', deliveredAt: '2026-01-01T00:00:05.000Z', subscriptionId: 'sub-1', eventId: crm.id },
      ]);
      expect(given([request, crm]).when(again)).toBeNull();
      expect(
        given([request, crm, again])
          .when(backups)
          ?.deliveries?.map((delivery) => delivery.system),
      ).toEqual(['crm', 'backups']);
      expect(given([]).when(delivered(subject, randomUUID(), 'crm', '2026-01-01T00:00:05.000Z'))).toBeNull();
    });

    it('reads a document built before deliveries were recorded as having none', () => {
      const subject = aSubjectStream();
      const request = subject.deletionRequested({ systems: ['crm'] });
      const { deliveries: _none, ...older } = given([]).when(request)!;
      const crm = delivered(subject, request.data.deletionId, 'crm', '2026-01-01T00:00:05.000Z');
      expect(projection.evolve({ ...older, _id: request.data.deletionId, _position: 1 }, crm)?.deliveries).toHaveLength(1);
    });
  });

  describe('when systems confirm the erasure', () => {
    it('records a confirmation and keeps the erasure open while other systems are pending', () => {
      const subject = aSubjectStream();
      const request = subject.deletionRequested({ systems: ['crm', 'analytics', 'backups'] });
      const crm = subject.deletionCompleted({ deletionId: request.data.deletionId, system: 'crm' });
      const analytics = subject.deletionCompleted({ deletionId: request.data.deletionId, system: 'analytics' });

      const document = given([request, crm]).when(analytics);

      expect(projection.documentId(analytics)).toBe(request.data.deletionId);
      expect(document).toMatchObject({
        state: 'open',
        completedAt: null,
        pendingSystems: ['backups'],
        confirmations: [
          { system: 'crm', completedAt: crm.data.completedAt, eventId: crm.id },
          { system: 'analytics', completedAt: analytics.data.completedAt, eventId: analytics.id },
        ],
        hoursToComplete: null,
        completedOnTime: null,
      });
    });

    it('completes at the last confirmation, with the hours it took, on time before the due date', () => {
      const subject = aSubjectStream();
      const request = subject.deletionRequested(
        { systems: ['crm', 'backups'], dueAt: '2026-01-31T00:00:00.000Z' },
        { occurredAt: '2026-01-01T00:00:00.000Z' },
      );
      const crm = subject.deletionCompleted(
        { deletionId: request.data.deletionId, system: 'crm' },
        { occurredAt: '2026-01-02T08:00:00.000Z' },
      );
      const backups = subject.deletionCompleted(
        { deletionId: request.data.deletionId, system: 'backups' },
        { occurredAt: '2026-01-03T12:00:00.000Z' },
      );

      const document = given([request, crm]).when(backups);

      expect(document).toMatchObject({
        state: 'completed',
        completedAt: '2026-01-03T12:00:00.000Z',
        pendingSystems: [],
        hoursToComplete: 60,
        completedOnTime: true,
      });
      expect(document?.confirmations).toHaveLength(2);
    });

    it('is not on time when the last confirmation came after the due date', () => {
      const subject = aSubjectStream();
      const request = subject.deletionRequested(
        { systems: ['crm'], dueAt: '2026-01-31T00:00:00.000Z' },
        { occurredAt: '2026-01-01T00:00:00.000Z' },
      );
      const late = subject.deletionCompleted(
        { deletionId: request.data.deletionId, system: 'crm' },
        { occurredAt: '2026-02-01T00:00:00.000Z' },
      );

      const document = given([request]).when(late);

      expect(document).toMatchObject({ state: 'completed', hoursToComplete: 744, completedOnTime: false });
    });

    it('is on time when the last confirmation came exactly at the due date', () => {
      const subject = aSubjectStream();
      const request = subject.deletionRequested({ systems: ['crm'] });
      const atDue = subject.deletionCompleted({ deletionId: request.data.deletionId, system: 'crm' }, { occurredAt: request.data.dueAt });

      expect(given([request]).when(atDue)?.completedOnTime).toBe(true);
    });

    it('rounds the hours to two decimals', () => {
      const subject = aSubjectStream();
      const request = subject.deletionRequested({ systems: ['crm'] }, { occurredAt: '2026-01-01T00:00:00.000Z' });
      const done = subject.deletionCompleted(
        { deletionId: request.data.deletionId, system: 'crm' },
        { occurredAt: '2026-01-01T01:20:00.000Z' },
      );

      expect(given([request]).when(done)?.hoursToComplete).toBe(1.33);
    });

    it('makes no document of a confirmation without a request before it', () => {
      const stray = aSubjectStream().deletionCompleted({ deletionId: randomUUID(), system: 'crm' });

      expect(given([]).when(stray)).toBeNull();
    });
  });

  describe('for other events', () => {
    it('touches no document', () => {
      const subject = aSubjectStream();

      for (const event of [
        subject.consentGiven(),
        subject.consentWithdrawn(),
        subject.dataTransferred(),
        subject.otherEvent('something-else'),
      ]) {
        expect(projection.documentId(event)).toBeNull();
      }
    });
  });

  describe('when recipients are owed the notice of the erasure (Art. 19)', () => {
    const recipient = (id: string) => ({
      id,
      name: `${id} Ltd`,
      kind: 'processor',
      dataCategories: ['pii.name'],
      purposes: [],
      transferIds: [],
    });
    const setUp = () => {
      const subject = aSubjectStream();
      const request = subject.deletionRequested();
      const { deletionId, dueAt } = request.data;
      const notice = subject.otherEvent('recipient-notification-required', {
        notificationId: deletionId,
        cause: 'erasure',
        deletionId,
        dueAt,
        recipients: [recipient('mailer'), recipient('host')],
      });
      const told = subject.otherEvent('recipient-notified', {
        notificationId: deletionId,
        recipientId: 'mailer',
        cause: 'erasure',
        deletionId,
        channel: 'email',
        notifiedAt: '2026-01-02T00:00:00.000Z',
      });
      return { subject, request, notice, told };
    };

    it('lists each recipient as not yet told, then records when and how one was', () => {
      const { request, notice, told } = setUp();
      expect(projection.documentId(notice)).toBe(request.data.deletionId);
      expect(given([request]).when(notice)).toMatchObject({
        recipientsOwed: 2,
        recipients: [
          {
            id: 'mailer',
            name: 'mailer Ltd',
            kind: 'processor',
            dataCategories: ['pii.name'],
            notifiedAt: null,
            channel: null,
            eventId: null,
          },
          { id: 'host', notifiedAt: null },
        ],
      });
      expect(given([request, notice]).when(told)).toMatchObject({
        recipientsOwed: 1,
        recipients: [
          { id: 'mailer', notifiedAt: '2026-01-02T00:00:00.000Z', channel: 'email', eventId: told.id },
          { id: 'host', notifiedAt: null, channel: null },
        ],
      });
    });

    it('changes nothing on a replay, and ignores the notices of a withdrawal (no erasure)', () => {
      const { subject, request, notice, told } = setUp();
      expect(given([request, notice]).when(notice)).toBeNull();
      expect(given([request, notice, told]).when(told)).toBeNull();
      const withdrawal = subject.otherEvent('recipient-notification-required', {
        notificationId: randomUUID(),
        cause: 'consent-withdrawn',
        withdrawnPurposes: ['usage-analytics'],
        dueAt: request.data.dueAt,
        recipients: [recipient('mailer')],
      });
      expect(projection.documentId(withdrawal)).toBeNull();
    });
  });
});
