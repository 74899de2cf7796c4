import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { documentAfter } from '../../../test/support/fold-projection.js';
import { aSubjectStream } from '../../../test/support/stored-events.js';
import type { StoredEvent } from '../../event-store/event-store.port.js';
import { grievanceStateAt, grievanceStateWhere } from './grievance-filters.js';
import { grievanceMonitorProjection } from './grievance-monitor.projection.js';

const projection = grievanceMonitorProjection;

/** given these events of one grievance, when one more is applied: the next document. */
const given = (events: readonly StoredEvent[]) => ({
  when: (event: StoredEvent) => projection.evolve(documentAfter(projection, events), event),
});

describe('grievance-monitor projection', () => {
  describe('when a grievance is lodged', () => {
    it('opens it, keyed by the grievance id, without the subject’s description', () => {
      const subject = aSubjectStream();
      const lodged = subject.grievanceLodged({
        category: 'security',
        channel: 'in-person',
        description: 'My data leaked, I am sure of it.',
      });

      const document = given([]).when(lodged);

      expect(projection.documentId(lodged)).toBe(lodged.data.grievanceId);
      expect(document).toEqual({
        grievanceId: lodged.data.grievanceId,
        tenantId: subject.tenantId,
        subjectId: subject.subjectId,
        state: 'open',
        category: 'security',
        channel: 'in-person',
        receivedAt: lodged.data.receivedAt,
        dueAt: lodged.data.dueAt,
        resolvedAt: null,
        outcome: null,
        hoursToResolve: null,
        resolvedOnTime: null,
      });
      expect(JSON.stringify(document)).not.toContain('leaked');
    });

    it('ignores a second lodging with the same grievance id', () => {
      const subject = aSubjectStream();
      const lodged = subject.grievanceLodged();
      const again = subject.grievanceLodged({ grievanceId: lodged.data.grievanceId, category: 'other' });

      expect(given([lodged]).when(again)).toBeNull();
    });
  });

  describe('when a grievance is resolved', () => {
    it('resolves it with the outcome, the hours it took, on time before the deadline', () => {
      const subject = aSubjectStream();
      const lodged = subject.grievanceLodged({ receivedAt: '2026-01-01T00:00:00.000Z', dueAt: '2026-02-01T00:00:00.000Z' });
      const resolved = subject.grievanceResolved(
        { grievanceId: lodged.data.grievanceId, outcome: 'partially-upheld' },
        { occurredAt: '2026-01-03T12:00:00.000Z' },
      );

      const document = given([lodged]).when(resolved);

      expect(projection.documentId(resolved)).toBe(lodged.data.grievanceId);
      expect(document).toMatchObject({
        state: 'resolved',
        outcome: 'partially-upheld',
        resolvedAt: '2026-01-03T12:00:00.000Z',
        hoursToResolve: 60,
        resolvedOnTime: true,
        dueAt: '2026-02-01T00:00:00.000Z',
      });
    });

    it('is late as the resolution recorded it', () => {
      const subject = aSubjectStream();
      const lodged = subject.grievanceLodged({ receivedAt: '2026-01-01T00:00:00.000Z', dueAt: '2026-02-01T00:00:00.000Z' });
      const late = subject.grievanceResolved(
        { grievanceId: lodged.data.grievanceId, dueAt: '2026-02-01T00:00:00.000Z', resolvedOnTime: false },
        { occurredAt: '2026-02-01T00:00:00.001Z' },
      );

      expect(given([lodged]).when(late)).toMatchObject({ state: 'resolved', resolvedOnTime: false, hoursToResolve: 744 });
    });

    it('rounds the hours to two decimals', () => {
      const subject = aSubjectStream();
      const lodged = subject.grievanceLodged({ receivedAt: '2026-01-01T00:00:00.000Z' });
      const resolved = subject.grievanceResolved({ grievanceId: lodged.data.grievanceId }, { occurredAt: '2026-01-01T01:20:00.000Z' });

      expect(given([lodged]).when(resolved)?.hoursToResolve).toBe(1.33);
    });

    it('keeps the first resolution when a second one is applied', () => {
      const subject = aSubjectStream();
      const lodged = subject.grievanceLodged();
      const first = subject.grievanceResolved({ grievanceId: lodged.data.grievanceId, outcome: 'upheld' });
      const second = subject.grievanceResolved({ grievanceId: lodged.data.grievanceId, outcome: 'rejected' });

      expect(given([lodged, first]).when(second)).toBeNull();
    });

    it('makes no document of a resolution without a lodging before it', () => {
      const stray = aSubjectStream().grievanceResolved({ grievanceId: randomUUID() });

      expect(given([]).when(stray)).toBeNull();
    });
  });

  describe('for other events', () => {
    it('touches no document', () => {
      const subject = aSubjectStream();
      const request = subject.deletionRequested();
      const events = [
        subject.consentGiven(),
        subject.consentWithdrawn(),
        subject.dataTransferred(),
        request,
        subject.deletionCompleted({ deletionId: request.data.deletionId, system: 'crm' }),
        subject.otherEvent('something-else'),
      ];

      for (const event of events) expect(projection.documentId(event)).toBeNull();
    });
  });

  describe('states, judged by the clock when read', () => {
    const now = new Date('2026-02-01T00:00:00.000Z');

    it('is open up to the deadline itself and overdue just after it; resolved stays resolved', () => {
      expect(grievanceStateAt('open', '2026-02-01T00:00:00.000Z', now)).toBe('open');
      expect(grievanceStateAt('open', '2026-01-31T23:59:59.999Z', now)).toBe('overdue');
      expect(grievanceStateAt('resolved', '2026-01-01T00:00:00.000Z', now)).toBe('resolved');
    });

    it('filters the same disjoint states', () => {
      expect(grievanceStateWhere('open', now)).toEqual({ state: 'open', dueAt: { gte: now.toISOString() } });
      expect(grievanceStateWhere('overdue', now)).toEqual({ state: 'open', dueAt: { lt: now.toISOString() } });
      expect(grievanceStateWhere('resolved', now)).toEqual({ state: 'resolved' });
    });
  });
});
