import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { documentAfter } from '../../../test/support/fold-projection.js';
import { keyRingOf, sealedWith } from '../../../test/support/sealed-events.js';
import { aSubjectStream } from '../../../test/support/stored-events.js';
import type { StoredEvent } from '../../event-store/event-store.port.js';
import { ERASED, isSealed, newDataKey } from '../../privacy/field-cipher.js';
import { personalFieldList } from '../../domain/subject/subject.personal-fields.js';
import { subjectHistoryProjection, type HistoryEntryDocument } from './subject-history.projection.js';
import { historyEntryView } from './subject-history.view.js';

const projection = subjectHistoryProjection;

/** Every structured field of an entry that only some kinds of fact fill in. */
const NOTHING_SPECIFIC = {
  purposes: null,
  policyVersion: null,
  channel: null,
  recipientId: null,
  recipientName: null,
  recipientKind: null,
  country: null,
  dataCategories: null,
  legalBasis: null,
  transferReference: null,
  deletionId: null,
  dueAt: null,
  systems: null,
  system: null,
  evidence: null,
  reason: null,
  grievanceId: null,
  category: null,
  outcome: null,
  resolvedOnTime: null,
  grievanceDescription: null,
};

/** The fields every answered entry takes from the event's envelope. */
const envelopeOf = (event: StoredEvent) => ({
  eventId: event.id,
  type: event.type,
  globalPosition: event.globalPosition,
  streamPosition: event.streamPosition,
  occurredAt: event.occurredAt,
  recordedAt: event.recordedAt,
  actor: event.metadata.actor,
});

/** The document the history stores for an event it has no entry for yet. */
const documentOf = (event: StoredEvent): HistoryEntryDocument | null => documentAfter(projection, [event]);

/**
 * when an event is stored (its personal values sealed with the subject's key) and applied
 * to the history: the entry as the query answers it while the key exists.
 */
const entryOf = (event: StoredEvent) => {
  const key = newDataKey();
  const document = documentOf(sealedWith(key, event));
  return document && historyEntryView(document, keyRingOf([[event.metadata.tenantId, event.metadata.subjectId, key]]));
};

describe('subject-history projection', () => {
  describe('entries', () => {
    it('keys one entry per event by the event id', () => {
      const subject = aSubjectStream();
      const events: StoredEvent[] = [subject.consentGiven(), subject.consentWithdrawn(), subject.dataTransferred()];
      const request = subject.deletionRequested();
      events.push(request, subject.deletionCompleted({ deletionId: request.data.deletionId, system: 'crm' }));

      const ids = events.map((event) => projection.documentId(event));

      expect(ids).toEqual(events.map((event) => event.id));
    });

    it('never rewrites an entry when its event is applied again', () => {
      const subject = aSubjectStream();
      const consent = subject.consentGiven();
      const existing = documentAfter(projection, [consent]);

      expect(existing).not.toBeNull();
      expect(projection.evolve(existing, consent)).toBeNull();
    });

    it('makes no entry of an event that is no subject event', () => {
      const other = aSubjectStream().otherEvent('something-else');

      expect(entryOf(other)).toBeNull();
    });
  });

  describe('when consent was given', () => {
    it('records the purposes, policy version, channel and evidence, in words too', () => {
      const subject = aSubjectStream();
      const consent = subject.consentGiven(
        {
          purposes: ['usage-analytics', 'call-analytics'],
          policyVersion: 'v7',
          channel: 'mobile-app',
          evidence: { ipAddress: '203.0.113.9', userAgent: 'LedgerApp/2.1', contact: 'sms:+4915550000' },
        },
        { actor: 'consent-banner' },
      );

      const entry = entryOf(consent);

      expect(entry).toEqual({
        ...envelopeOf(consent),
        ...NOTHING_SPECIFIC,
        description: expect.any(String),
        purposes: ['usage-analytics', 'call-analytics'],
        policyVersion: 'v7',
        channel: 'mobile-app',
        evidence: expect.any(String),
        actor: 'consent-banner',
      });
      for (const fact of ['Consent given', 'usage-analytics', 'call-analytics', 'v7', 'mobile-app']) {
        expect(entry?.description).toContain(fact);
      }
      for (const fact of ['203.0.113.9', 'LedgerApp/2.1', 'sms:+4915550000']) {
        expect(entry?.evidence).toContain(fact);
      }
    });

    it('has no evidence when the consent came with none', () => {
      const consent = aSubjectStream().consentGiven();

      expect(entryOf(consent)?.evidence).toBeNull();
    });
  });

  describe('when consent was withdrawn', () => {
    it('records the purposes, channel and reason, in words too', () => {
      const withdrawal = aSubjectStream().consentWithdrawn({
        purposes: ['marketing-communications'],
        channel: 'email',
        reason: 'too many e-mails',
      });

      const entry = entryOf(withdrawal);

      expect(entry).toEqual({
        ...envelopeOf(withdrawal),
        ...NOTHING_SPECIFIC,
        description: expect.any(String),
        purposes: ['marketing-communications'],
        channel: 'email',
        reason: 'too many e-mails',
      });
      for (const fact of ['Consent withdrawn', 'marketing-communications', 'email']) {
        expect(entry?.description).toContain(fact);
      }
    });

    it('leaves channel and reason null when the withdrawal states neither', () => {
      const withdrawal = aSubjectStream().consentWithdrawn({ purposes: ['usage-analytics'] });

      const entry = entryOf(withdrawal);

      expect(entry?.channel).toBeNull();
      expect(entry?.reason).toBeNull();
      expect(entry?.description).toBe('Consent withdrawn for usage-analytics.');
    });
  });

  describe('when data was transferred', () => {
    it('records the recipient, country, categories, purpose, legal basis and reference, in words too', () => {
      const transfer = aSubjectStream().dataTransferred({
        recipient: { id: 'rcp-42', name: 'Nimbus Hosting GmbH', kind: 'cloud-host' },
        country: 'IE',
        dataCategories: ['pii.name', 'pii.call-records'],
        purpose: 'call-analytics',
        legalBasis: 'consent',
        reference: 'DPA-2026-17',
      });

      const entry = entryOf(transfer);

      expect(entry).toEqual({
        ...envelopeOf(transfer),
        ...NOTHING_SPECIFIC,
        description: expect.any(String),
        purposes: ['call-analytics'],
        recipientId: 'rcp-42',
        recipientName: 'Nimbus Hosting GmbH',
        recipientKind: 'cloud-host',
        country: 'IE',
        dataCategories: ['pii.name', 'pii.call-records'],
        legalBasis: 'consent',
        transferReference: 'DPA-2026-17',
      });
      for (const fact of ['Nimbus Hosting GmbH', 'cloud-host', 'IE', 'pii.name', 'pii.call-records', 'call-analytics', 'consent']) {
        expect(entry?.description).toContain(fact);
      }
    });

    it('has no transfer reference when the transfer stated none', () => {
      const transfer = aSubjectStream().dataTransferred();

      expect(entryOf(transfer)?.transferReference).toBeNull();
    });
  });

  describe('when an erasure was requested', () => {
    it('records the deletion, due date, systems and reason, in words too', () => {
      const request = aSubjectStream().deletionRequested({
        systems: ['crm', 'call-recordings'],
        trigger: 'subject-request',
        reason: 'closing my account',
      });

      const entry = entryOf(request);

      expect(entry).toEqual({
        ...envelopeOf(request),
        ...NOTHING_SPECIFIC,
        description: expect.any(String),
        deletionId: request.data.deletionId,
        dueAt: request.data.dueAt,
        systems: ['crm', 'call-recordings'],
        reason: 'closing my account',
      });
      for (const fact of ['Erasure requested', 'by the subject', request.data.dueAt, 'crm', 'call-recordings']) {
        expect(entry?.description).toContain(fact);
      }
    });

    it('says when it was opened because no consent was left', () => {
      const request = aSubjectStream().deletionRequested({ trigger: 'all-consent-withdrawn' });

      const entry = entryOf(request);

      expect(entry?.description).toContain('no consent left');
      expect(entry?.reason).toBeNull();
    });
  });

  describe('when an erasure was confirmed in a system', () => {
    it('records the deletion, the system, the evidence and the systems still pending, in words too', () => {
      const subject = aSubjectStream();
      const request = subject.deletionRequested({ systems: ['crm', 'backups', 'analytics'] });
      const confirmation = subject.deletionCompleted({
        deletionId: request.data.deletionId,
        system: 'crm',
        remainingSystems: ['backups', 'analytics'],
        evidence: 'ticket CRM-981',
      });

      const entry = entryOf(confirmation);

      expect(entry).toEqual({
        ...envelopeOf(confirmation),
        ...NOTHING_SPECIFIC,
        description: expect.any(String),
        deletionId: request.data.deletionId,
        system: 'crm',
        systems: ['backups', 'analytics'],
        evidence: 'ticket CRM-981',
      });
      for (const fact of ['Erasure confirmed in crm', 'still pending', 'backups', 'analytics']) {
        expect(entry?.description).toContain(fact);
      }
    });

    it('says the erasure is complete at the last system, with no evidence when none was given', () => {
      const subject = aSubjectStream();
      const request = subject.deletionRequested({ systems: ['backups'] });
      const confirmation = subject.deletionCompleted({ deletionId: request.data.deletionId, system: 'backups', remainingSystems: [] });

      const entry = entryOf(confirmation);

      expect(entry?.description).toContain('complete in every system');
      expect(entry?.systems).toEqual([]);
      expect(entry?.evidence).toBeNull();
    });
  });

  describe('when a grievance was lodged', () => {
    it('records the grievance, category, channel and deadline in words, and the description verbatim in its own field', () => {
      const description = 'Agent shared my call recording, "without asking"; please stop.';
      const lodged = aSubjectStream().grievanceLodged({
        category: 'transfer',
        channel: 'phone',
        dueAt: '2026-02-28T09:00:00.000Z',
        description,
      });

      const entry = entryOf(lodged);

      expect(entry).toEqual({
        ...envelopeOf(lodged),
        ...NOTHING_SPECIFIC,
        description: expect.any(String),
        grievanceId: lodged.data.grievanceId,
        category: 'transfer',
        channel: 'phone',
        dueAt: '2026-02-28T09:00:00.000Z',
        grievanceDescription: description,
      });
      for (const fact of ['Grievance', 'transfer', 'phone', '2026-02-28T09:00:00.000Z']) {
        expect(entry?.description).toContain(fact);
      }
      // The subject's own words are never composed into the sentence.
      expect(entry?.description).not.toContain('call recording');
    });

    it('has a null grievance description when none was given', () => {
      const lodged = aSubjectStream().grievanceLodged();

      expect(entryOf(lodged)?.grievanceDescription).toBeNull();
    });
  });

  describe('when a grievance was resolved', () => {
    it('records the grievance, outcome, deadline and whether it was on time, in words too', () => {
      const subject = aSubjectStream();
      const lodged = subject.grievanceLodged();
      const resolved = subject.grievanceResolved({
        grievanceId: lodged.data.grievanceId,
        outcome: 'partially-upheld',
        dueAt: lodged.data.dueAt,
        resolvedOnTime: true,
      });

      const entry = entryOf(resolved);

      expect(entry).toEqual({
        ...envelopeOf(resolved),
        ...NOTHING_SPECIFIC,
        description: expect.any(String),
        grievanceId: lodged.data.grievanceId,
        outcome: 'partially-upheld',
        dueAt: lodged.data.dueAt,
        resolvedOnTime: true,
      });
      for (const fact of ['Grievance resolved', 'partially-upheld', 'on time', lodged.data.dueAt]) {
        expect(entry?.description).toContain(fact);
      }
    });

    it('says when it was resolved late', () => {
      const resolved = aSubjectStream().grievanceResolved({ grievanceId: randomUUID(), resolvedOnTime: false });

      const entry = entryOf(resolved);

      expect(entry?.resolvedOnTime).toBe(false);
      expect(entry?.description).toContain('late');
    });
  });

  describe('personal values', () => {
    const consentWithEvidence = () =>
      aSubjectStream().consentGiven({
        evidence: { ipAddress: '198.51.100.23', userAgent: 'Agent/9.9', contact: 'meera@example.org' },
      });

    it('are stored sealed, with what opens them, and never in clear', () => {
      const consent = consentWithEvidence();
      const document = documentOf(sealedWith(newDataKey(), consent));

      expect(document?.personal.map((entry) => entry.path)).toEqual(['evidence.ipAddress', 'evidence.userAgent', 'evidence.contact']);
      expect(document?.personal.every((entry) => isSealed(entry.value))).toBe(true);
      expect(document).toMatchObject({ tenantId: consent.metadata.tenantId, subjectId: consent.metadata.subjectId, eventId: consent.id });
      for (const secret of ['198.51.100.23', 'Agent/9.9', 'meera@example.org']) expect(JSON.stringify(document)).not.toContain(secret);
    });

    it('read [erased] once the key is gone, while every other field stays', () => {
      const subject = aSubjectStream();
      const key = newDataKey();
      const consent = sealedWith(key, subject.consentGiven({ evidence: { ipAddress: '198.51.100.23', contact: 'meera@example.org' } }));
      const transfer = sealedWith(key, subject.dataTransferred({ reference: 'JOB-77', country: 'SG' }));
      const withdrawal = sealedWith(key, subject.consentWithdrawn({ reason: 'moving away', channel: 'email' }));
      const noKeys = keyRingOf([]);

      const [given, transferred, withdrawn] = [consent, transfer, withdrawal].map((event) => historyEntryView(documentOf(event)!, noKeys));

      expect(given?.evidence).toBe(`IP ${ERASED}; contact ${ERASED}`);
      expect(given?.purposes).toEqual(consent.data.purposes);
      expect(transferred).toMatchObject({ transferReference: ERASED, country: 'SG', recipientId: transfer.data.recipient.id });
      expect(withdrawn).toMatchObject({ reason: ERASED, channel: 'email', purposes: withdrawal.data.purposes });
    });

    it('written before encryption (plaintext in the event) pass through as they are', () => {
      const consent = consentWithEvidence();
      const entry = historyEntryView(documentOf(consent)!, keyRingOf([]));

      expect(entry.evidence).toBe('IP 198.51.100.23; agent Agent/9.9; contact meera@example.org');
    });
  });

  describe('when the personal data was crypto-shredded', () => {
    it('records the erasure it ended, in plain words, with no personal value', () => {
      const subject = aSubjectStream();
      const deletionId = subject.deletionRequested().data.deletionId;
      const shredded = subject.otherEvent('subject-data-shredded', { deletionId, shreddedAt: '2026-01-02T00:00:00.000Z', fields: personalFieldList() });

      const entry = entryOf(shredded);

      expect(entry).toEqual({ ...envelopeOf(shredded), ...NOTHING_SPECIFIC, description: expect.any(String), deletionId });
      expect(entry?.description).toContain('Personal data crypto-shredded');
      expect(entry?.description).toContain('[erased]');
      expect(documentOf(shredded)?.personal).toEqual([]);
    });
  });
});
