import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { documentAfter } from '../../../test/support/fold-projection.js';
import { aSubjectStream } from '../../../test/support/stored-events.js';
import type { StoredEvent } from '../../event-store/event-store.port.js';
import { subjectStatusProjection } from './subject-status.projection.js';

const projection = subjectStatusProjection;

/** given these events of one subject, when one more is applied: the next document. */
const given = (events: readonly StoredEvent[]) => ({
  when: (event: StoredEvent) => projection.evolve(documentAfter(projection, events), event),
});

describe('subject-status projection', () => {
  describe('purposes', () => {
    it('grants each purpose of a consent under its policy version, since it occurred, proved by that event', () => {
      const subject = aSubjectStream();
      const consent = subject.consentGiven({
        purposes: ['usage-analytics', 'marketing-communications'],
        policyVersion: 'v1',
        subjectType: 'end-user',
      });

      const status = given([]).when(consent);

      expect(status).toEqual({
        tenantId: subject.tenantId,
        subjectId: subject.subjectId,
        subjectType: 'end-user',
        purposes: {
          'usage-analytics': { status: 'granted', policyVersion: 'v1', since: consent.occurredAt, eventId: consent.id },
          'marketing-communications': { status: 'granted', policyVersion: 'v1', since: consent.occurredAt, eventId: consent.id },
        },
        erasure: {
          state: 'none',
          deletionId: null,
          requestedAt: null,
          dueAt: null,
          completedAt: null,
          systems: [],
          pendingSystems: [],
          eventIds: [],
        },
        firstRecordedAt: consent.recordedAt,
        lastOccurredAt: consent.occurredAt,
        eventCount: 1,
      });
    });

    it('marks a withdrawn purpose withdrawn under the version it was granted under, leaving the others granted', () => {
      const subject = aSubjectStream();
      const consent = subject.consentGiven({ purposes: ['usage-analytics', 'call-analytics'], policyVersion: 'v3' });
      const withdrawal = subject.consentWithdrawn({ purposes: ['call-analytics'] });

      const status = given([consent]).when(withdrawal);

      expect(status?.purposes).toEqual({
        'usage-analytics': { status: 'granted', policyVersion: 'v3', since: consent.occurredAt, eventId: consent.id },
        'call-analytics': { status: 'withdrawn', policyVersion: 'v3', since: withdrawal.occurredAt, eventId: withdrawal.id },
      });
    });

    it('grants a withdrawn purpose again under the new policy version, proved by the new consent', () => {
      const subject = aSubjectStream();
      const first = subject.consentGiven({ purposes: ['crm-access'], policyVersion: 'v1' });
      const withdrawal = subject.consentWithdrawn({ purposes: ['crm-access'] });
      const again = subject.consentGiven({ purposes: ['crm-access'], policyVersion: 'v2' });

      const status = given([first, withdrawal]).when(again);

      expect(status?.purposes).toEqual({
        'crm-access': { status: 'granted', policyVersion: 'v2', since: again.occurredAt, eventId: again.id },
      });
    });

    it('keeps the subject type when a later consent does not state one', () => {
      const subject = aSubjectStream();
      const first = subject.consentGiven({ subjectType: 'authorised-user' });
      const later = subject.consentGiven({ purposes: ['policy-notifications'] });

      const status = given([first]).when(later);

      expect(status?.subjectType).toBe('authorised-user');
    });
  });

  describe('erasure', () => {
    it('has none before an erasure is requested', () => {
      const subject = aSubjectStream();

      const status = given([]).when(subject.consentGiven());

      expect(status?.erasure.state).toBe('none');
      expect(status?.erasure.deletionId).toBeNull();
    });

    it('opens an erasure pending in every system when one is requested', () => {
      const subject = aSubjectStream();
      const consent = subject.consentGiven();
      const request = subject.deletionRequested({ systems: ['crm', 'analytics', 'backups'] });

      const status = given([consent]).when(request);

      expect(status?.erasure).toEqual({
        state: 'open',
        deletionId: request.data.deletionId,
        requestedAt: request.data.requestedAt,
        dueAt: request.data.dueAt,
        completedAt: null,
        systems: ['crm', 'analytics', 'backups'],
        pendingSystems: ['crm', 'analytics', 'backups'],
        eventIds: [request.id],
      });
    });

    it('takes a confirmed system off the pending ones and keeps the erasure open while others remain', () => {
      const subject = aSubjectStream();
      const request = subject.deletionRequested({ systems: ['crm', 'analytics', 'backups'] });
      const confirmation = subject.deletionCompleted({ deletionId: request.data.deletionId, system: 'analytics' });

      const status = given([request]).when(confirmation);

      expect(status?.erasure).toMatchObject({
        state: 'open',
        completedAt: null,
        systems: ['crm', 'analytics', 'backups'],
        pendingSystems: ['crm', 'backups'],
        eventIds: [request.id, confirmation.id],
      });
    });

    it('completes the erasure at the last confirmation', () => {
      const subject = aSubjectStream();
      const request = subject.deletionRequested({ systems: ['crm', 'backups'] });
      const crm = subject.deletionCompleted({ deletionId: request.data.deletionId, system: 'crm' });
      const backups = subject.deletionCompleted({ deletionId: request.data.deletionId, system: 'backups' });

      const status = given([request, crm]).when(backups);

      expect(status?.erasure).toEqual({
        state: 'completed',
        deletionId: request.data.deletionId,
        requestedAt: request.data.requestedAt,
        dueAt: request.data.dueAt,
        completedAt: backups.data.completedAt,
        systems: ['crm', 'backups'],
        pendingSystems: [],
        eventIds: [request.id, crm.id, backups.id],
      });
    });

    it('changes no erasure field for a confirmation of another deletion', () => {
      const subject = aSubjectStream();
      const request = subject.deletionRequested({ systems: ['crm', 'backups'] });
      const before = documentAfter(projection, [request]);
      const stray = subject.deletionCompleted({ deletionId: randomUUID(), system: 'crm' });

      const status = projection.evolve(before, stray);

      expect(status?.erasure).toEqual(before?.erasure);
    });
  });

  describe('bookkeeping', () => {
    it('counts every event of the subject, transfers included', () => {
      const subject = aSubjectStream();
      const events: StoredEvent[] = [subject.consentGiven(), subject.dataTransferred(), subject.consentWithdrawn()];
      const request = subject.deletionRequested();
      events.push(request);

      const status = given(events).when(subject.deletionCompleted({ deletionId: request.data.deletionId, system: 'crm' }));

      expect(status?.eventCount).toBe(5);
    });

    it('keeps the first recorded time and the latest occurrence, even when a late event happened earlier', () => {
      const subject = aSubjectStream();
      const first = subject.consentGiven({}, { occurredAt: '2026-02-01T10:00:00.000Z' });
      const backdated = subject.dataTransferred({}, { occurredAt: '2026-01-15T10:00:00.000Z' });

      const status = given([first]).when(backdated);

      expect(status?.firstRecordedAt).toBe(first.recordedAt);
      expect(status?.lastOccurredAt).toBe('2026-02-01T10:00:00.000Z');
    });

    it('knows a subject from a grievance alone, and counts grievances without changing purposes or erasure', () => {
      const subject = aSubjectStream();
      const lodged = subject.grievanceLodged();

      const known = given([]).when(lodged);
      const status = given([lodged]).when(subject.grievanceResolved({ grievanceId: lodged.data.grievanceId }));

      expect(known).toMatchObject({ tenantId: subject.tenantId, subjectId: subject.subjectId, eventCount: 1, purposes: {} });
      expect(status).toMatchObject({ eventCount: 2, purposes: {}, erasure: { state: 'none', deletionId: null } });
    });

    it('makes no document of an event that is no subject event', () => {
      const subject = aSubjectStream();
      const other = subject.otherEvent('something-else', { anything: true });

      expect(given([]).when(other)).toBeNull();
      expect(given([subject.consentGiven()]).when(other)).toBeNull();
    });
  });

  describe('document id', () => {
    it('is the same for every event of one subject of one tenant', () => {
      const subject = aSubjectStream();
      const events: StoredEvent[] = [subject.consentGiven(), subject.consentWithdrawn(), subject.dataTransferred()];
      const request = subject.deletionRequested();
      events.push(request, subject.deletionCompleted({ deletionId: request.data.deletionId, system: 'crm' }));

      const ids = new Set(events.map((event) => projection.documentId(event)));

      expect(ids.size).toBe(1);
    });

    it('differs for the same subject id in another tenant', () => {
      const subjectId = `subject-${randomUUID()}`;
      const inOne = aSubjectStream({ subjectId }).consentGiven();
      const inOther = aSubjectStream({ subjectId }).consentGiven();

      expect(projection.documentId(inOne)).not.toBe(projection.documentId(inOther));
    });

    it('cannot be forged by a tenant id that contains slashes', () => {
      const prefix = `tenant-${randomUUID()}`;
      const slashInTenant = aSubjectStream({ tenantId: `${prefix}/b`, subjectId: 'c' }).consentGiven();
      const slashInSubject = aSubjectStream({ tenantId: prefix, subjectId: 'b/c' }).consentGiven();

      const tenantKey = projection.documentId(slashInTenant);
      const subjectKey = projection.documentId(slashInSubject);

      expect(tenantKey).not.toBe(subjectKey);
      expect(tenantKey).toContain(encodeURIComponent(`${prefix}/b`));
    });
  });
});
