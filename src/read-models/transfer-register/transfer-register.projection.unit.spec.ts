import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { documentAfter } from '../../../test/support/fold-projection.js';
import { keyRingOf, sealedWith } from '../../../test/support/sealed-events.js';
import { aSubjectStream, type SubjectStream } from '../../../test/support/stored-events.js';
import type { StoredEvent } from '../../event-store/event-store.port.js';
import { ERASED, isSealed, newDataKey } from '../../privacy/field-cipher.js';
import { transferRegisterProjection } from './transfer-register.projection.js';
import { transferView } from './transfer-register.view.js';

const projection = transferRegisterProjection;

describe('transfer-register projection', () => {
  describe('when data was transferred', () => {
    it('registers the transfer with every fact of it, keyed by the event id', () => {
      const subject = aSubjectStream();
      const transfer = subject.dataTransferred({
        recipient: { id: 'rcp-7', name: 'Ledgerly Analytics BV', kind: 'processor' },
        country: 'NL',
        dataCategories: ['npii.pages-viewed', 'npii.cookies'],
        purpose: 'usage-analytics',
        legalBasis: 'legitimate-use',
        reference: 'SCC-2026-03',
      });

      const key = newDataKey();
      const stored = sealedWith(key, transfer);
      const id = projection.documentId(stored);
      const document = documentAfter(projection, [stored]);

      expect(id).toBe(transfer.id);
      const facts = {
        tenantId: subject.tenantId,
        subjectId: subject.subjectId,
        transferId: transfer.data.transferId,
        eventId: transfer.id,
        occurredAt: transfer.occurredAt,
        recordedAt: transfer.recordedAt,
        recipientId: 'rcp-7',
        recipientName: 'Ledgerly Analytics BV',
        recipientKind: 'processor',
        country: 'NL',
        dataCategories: ['npii.pages-viewed', 'npii.cookies'],
        purpose: 'usage-analytics',
        legalBasis: 'legitimate-use',
        globalPosition: transfer.globalPosition,
      };
      // Stored: every fact, the reference only sealed.
      expect(document).toEqual({
        ...facts,
        _id: transfer.id,
        _position: transfer.globalPosition,
        personal: [{ path: 'reference', value: expect.any(String) }],
      });
      expect(isSealed(document?.personal[0]?.value)).toBe(true);
      expect(JSON.stringify(document)).not.toContain('SCC-2026-03');
      // Answered: the reference opened while the subject's key exists, "[erased]" once it is gone.
      expect(transferView(document!, keyRingOf([[subject.tenantId, subject.subjectId, key]]))).toEqual({
        ...facts,
        reference: 'SCC-2026-03',
      });
      expect(transferView(document!, keyRingOf([]))).toEqual({ ...facts, reference: ERASED });
    });

    it('has a null reference when the transfer stated none', () => {
      const transfer = aSubjectStream().dataTransferred();

      const document = documentAfter(projection, [transfer]);
      expect(document?.personal).toEqual([]);
      expect(transferView(document!, keyRingOf([])).reference).toBeNull();
    });

    it('never rewrites a registered transfer when its event is applied again', () => {
      const transfer = aSubjectStream().dataTransferred();
      const registered = documentAfter(projection, [transfer]);

      expect(registered).not.toBeNull();
      expect(projection.evolve(registered, transfer)).toBeNull();
    });
  });

  describe('for any other event', () => {
    const others: readonly [string, (subject: SubjectStream) => StoredEvent][] = [
      ['consent-given', (subject) => subject.consentGiven()],
      ['consent-withdrawn', (subject) => subject.consentWithdrawn()],
      ['deletion-requested', (subject) => subject.deletionRequested()],
      ['deletion-completed', (subject) => subject.deletionCompleted({ deletionId: randomUUID(), system: 'crm' })],
      [
        'subject-data-shredded',
        (subject) =>
          subject.otherEvent('subject-data-shredded', { deletionId: randomUUID(), shreddedAt: '2026-01-01T00:00:00.000Z', fields: [] }),
      ],
      ['something-else', (subject) => subject.otherEvent('something-else')],
    ];

    it.each(others)('touches no document for %s', (_type, build) => {
      const event = build(aSubjectStream());

      expect(projection.documentId(event)).toBeNull();
      expect(projection.evolve(null, event)).toBeNull();
    });
  });
});
