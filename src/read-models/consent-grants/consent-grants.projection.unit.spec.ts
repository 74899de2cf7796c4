import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { aGlobalLog, aSubjectStream } from '../../../test/support/stored-events.js';
import type { StoredEvent } from '../../event-store/event-store.port.js';
import type { DocumentBody } from '../../projections/projection.js';
import { consentGrantKey, consentGrantsProjection, type ConsentGrantDocument } from './consent-grants.projection.js';

const projection = consentGrantsProjection;

/** Folds events into documents by key, as the runner does (`documentIds`, then `evolve` per key). */
const fold = (events: readonly StoredEvent[]): Map<string, DocumentBody<ConsentGrantDocument>> => {
  const documents = new Map<string, DocumentBody<ConsentGrantDocument>>();
  for (const event of events) {
    for (const id of projection.documentIds?.(event) ?? []) {
      const next = projection.evolve((documents.get(id) ?? null) as ConsentGrantDocument | null, event, id);
      if (next !== null) documents.set(id, next);
    }
  }
  return documents;
};

describe('consent-grants projection', () => {
  describe('when consent is given to several purposes', () => {
    it('keeps one granted document per purpose, with the version, since and proving event', () => {
      const subject = aSubjectStream();
      const given = subject.consentGiven({ purposes: ['crm-access', 'usage-analytics'], policyVersion: 'v3' });
      const ids = projection.documentIds?.(given);
      expect(ids).toEqual([
        consentGrantKey(subject.tenantId, subject.subjectId, 'crm-access'),
        consentGrantKey(subject.tenantId, subject.subjectId, 'usage-analytics'),
      ]);
      expect([...fold([given]).values()]).toEqual(
        ['crm-access', 'usage-analytics'].map((purpose) => ({
          tenantId: subject.tenantId,
          subjectId: subject.subjectId,
          purpose,
          status: 'granted',
          policyVersion: 'v3',
          since: given.occurredAt,
          eventId: given.id,
        })),
      );
    });

    it('moves a purpose to the version of a later consent and leaves the others', () => {
      const subject = aSubjectStream();
      const first = subject.consentGiven({ purposes: ['crm-access', 'usage-analytics'], policyVersion: 'v1' });
      const later = subject.consentGiven({ purposes: ['crm-access'], policyVersion: 'v2' });
      const documents = fold([first, later]);
      expect(documents.get(consentGrantKey(subject.tenantId, subject.subjectId, 'crm-access'))).toMatchObject({ policyVersion: 'v2', eventId: later.id });
      expect(documents.get(consentGrantKey(subject.tenantId, subject.subjectId, 'usage-analytics'))).toMatchObject({ policyVersion: 'v1', eventId: first.id });
    });
  });

  describe('when consent is withdrawn', () => {
    it('marks only the withdrawn purposes, keeping the version they were given under', () => {
      const subject = aSubjectStream();
      const given = subject.consentGiven({ purposes: ['crm-access', 'usage-analytics'], policyVersion: 'v1' });
      const withdrawn = subject.consentWithdrawn({ purposes: ['usage-analytics'] });
      const documents = fold([given, withdrawn]);
      expect(documents.get(consentGrantKey(subject.tenantId, subject.subjectId, 'usage-analytics'))).toEqual({
        tenantId: subject.tenantId,
        subjectId: subject.subjectId,
        purpose: 'usage-analytics',
        status: 'withdrawn',
        policyVersion: 'v1',
        since: withdrawn.occurredAt,
        eventId: withdrawn.id,
      });
      expect(documents.get(consentGrantKey(subject.tenantId, subject.subjectId, 'crm-access'))?.status).toBe('granted');
    });
  });

  it('gives a document per purpose once, even when a purpose is listed twice', () => {
    const given = aSubjectStream().consentGiven({ purposes: ['crm-access', 'crm-access'] });
    expect(projection.documentIds?.(given)).toHaveLength(1);
  });

  it('keys tenant, subject and purpose so that none can forge another', () => {
    expect(consentGrantKey('a/b', 'c', 'crm-access')).not.toBe(consentGrantKey('a', 'b/c', 'crm-access'));
    expect(consentGrantKey('a', 'b', 'c/d')).not.toBe(consentGrantKey('a', 'b/c', 'd'));
  });

  describe('when the subject\'s erasure completes in every system', () => {
    it('marks each purpose the subject had as erased, and creates none it never had', () => {
      const log = aGlobalLog();
      const subject = aSubjectStream({ log });
      const given = subject.consentGiven({ purposes: ['crm-access'] });
      const withdrawn = subject.consentWithdrawn({ purposes: ['crm-access'] });
      const done = subject.deletionCompleted({ deletionId: randomUUID(), system: 'crm', remainingSystems: [] });
      const crm = consentGrantKey(subject.tenantId, subject.subjectId, 'crm-access');
      const current = { ...projection.evolve(null, given, crm)!, _id: crm, _position: given.globalPosition };
      const afterWithdrawal = { ...projection.evolve(current, withdrawn, crm)!, _id: crm, _position: withdrawn.globalPosition };

      expect(projection.documentIds?.(done)).toContain(crm);
      expect(projection.evolve(afterWithdrawal, done, crm)).toMatchObject({ status: 'erased', policyVersion: given.data.policyVersion, eventId: done.id });
      expect(projection.evolve(null, done, consentGrantKey(subject.tenantId, subject.subjectId, 'usage-analytics'))).toBeNull();
    });
  });

  it('touches nothing for other events, or for a key the event does not name', () => {
    const log = aGlobalLog();
    const subject = aSubjectStream({ log });
    const others = [
      subject.dataTransferred(),
      subject.deletionRequested(),
      subject.deletionCompleted({ deletionId: randomUUID(), system: 'crm', remainingSystems: ['backups'] }),
      subject.otherEvent('policy-published', { version: 'v1' }),
    ];
    for (const event of others) {
      expect(projection.documentIds?.(event)).toEqual([]);
      expect(projection.evolve(null, event, consentGrantKey(subject.tenantId, subject.subjectId, 'crm-access'))).toBeNull();
    }
    const given = subject.consentGiven({ purposes: ['crm-access'] });
    expect(projection.evolve(null, given, consentGrantKey(subject.tenantId, subject.subjectId, 'usage-analytics'))).toBeNull();
    expect(projection.evolve(null, given)).toBeNull();
  });
});
