import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { documentAfter } from '../../../test/support/fold-projection.js';
import { aSubjectStream, type SubjectStream } from '../../../test/support/stored-events.js';
import type { StoredEvent } from '../../event-store/event-store.port.js';
import { transferRegisterProjection } from './transfer-register.projection.js';

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

      const id = projection.documentId(transfer);
      const document = projection.evolve(null, transfer);

      expect(id).toBe(transfer.id);
      expect(document).toEqual({
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
        reference: 'SCC-2026-03',
        globalPosition: transfer.globalPosition,
      });
    });

    it('has a null reference when the transfer stated none', () => {
      const transfer = aSubjectStream().dataTransferred();

      expect(projection.evolve(null, transfer)?.reference).toBeNull();
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
      ['something-else', (subject) => subject.otherEvent('something-else')],
    ];

    it.each(others)('touches no document for %s', (_type, build) => {
      const event = build(aSubjectStream());

      expect(projection.documentId(event)).toBeNull();
      expect(projection.evolve(null, event)).toBeNull();
    });
  });
});
