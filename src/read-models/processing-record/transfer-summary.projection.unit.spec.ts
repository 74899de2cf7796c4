import { describe, expect, it } from '@jest/globals';
import { documentAfter } from '../../../test/support/fold-projection.js';
import { aGlobalLog, aSubjectStream } from '../../../test/support/stored-events.js';
import { transferSummaryProjection, type TransferSummaryDocument } from './transfer-summary.projection.js';

const projection = transferSummaryProjection;
const AWS = { id: 'aws.sg', name: 'Amazon Web Services', kind: 'cloud-host' } as const;
const ACME = { id: 'acme', name: 'Acme Processing', kind: 'processor' } as const;

describe('transfer-summary projection', () => {
  describe('given transfers of two subjects of one tenant', () => {
    const log = aGlobalLog();
    const tenantId = 'acme-tenant';
    const asha = aSubjectStream({ tenantId, log });
    const ravi = aSubjectStream({ tenantId, log });
    const events = [
      asha.dataTransferred(
        { recipient: AWS, country: 'SG', dataCategories: ['pii.name', 'pii.phone-number'], purpose: 'crm-access', legalBasis: 'consent' },
        { occurredAt: '2026-02-01T00:00:00.000Z' },
      ),
      ravi.dataTransferred(
        { recipient: AWS, country: 'US', dataCategories: ['pii.name'], purpose: 'crm-access', legalBasis: 'contract' },
        { occurredAt: '2026-01-01T00:00:00.000Z' },
      ),
      ravi.dataTransferred(
        { recipient: ACME, country: 'IN', dataCategories: ['npii.pages-viewed'], purpose: 'usage-analytics', legalBasis: 'legitimate-use' },
        { occurredAt: '2026-03-01T00:00:00.000Z' },
      ),
    ];

    it('keeps one document per tenant with every transfer counted once', () => {
      const ids = new Set(events.map((e) => projection.documentId(e)));
      const summary = documentAfter<TransferSummaryDocument>(projection, events);

      expect([...ids]).toEqual([tenantId]);
      expect(summary?.transfers).toBe(3);
      expect(summary?.dataCategories).toEqual([
        { key: 'npii.pages-viewed', transfers: 1 },
        { key: 'pii.name', transfers: 2 },
        { key: 'pii.phone-number', transfers: 1 },
      ]);
      expect(summary?.purposes).toEqual([
        { key: 'crm-access', transfers: 2 },
        { key: 'usage-analytics', transfers: 1 },
      ]);
      expect(summary?.legalBases.map((t) => t.key)).toEqual(['consent', 'contract', 'legitimate-use']);
    });

    it('sums each recipient over countries, categories and time, whatever order the facts arrive in', () => {
      const summary = documentAfter<TransferSummaryDocument>(projection, events);
      const aws = summary?.recipients.find((r) => r.id === 'aws.sg');

      expect(aws).toEqual({
        id: 'aws.sg',
        name: 'Amazon Web Services',
        kind: 'cloud-host',
        transfers: 2,
        firstAt: '2026-01-01T00:00:00.000Z',
        lastAt: '2026-02-01T00:00:00.000Z',
        countries: ['SG', 'US'],
        dataCategories: ['pii.name', 'pii.phone-number'],
        purposes: ['crm-access'],
        legalBases: ['consent', 'contract'],
      });
    });

    it('lists destinations and recipient kinds per country', () => {
      const summary = documentAfter<TransferSummaryDocument>(projection, events);

      expect(summary?.destinations.map((d) => [d.country, d.transfers, d.recipientIds])).toEqual([
        ['IN', 1, ['acme']],
        ['SG', 1, ['aws.sg']],
        ['US', 1, ['aws.sg']],
      ]);
      expect(summary?.byKindAndCountry.map((k) => [k.kind, k.country, k.transfers])).toEqual([
        ['cloud-host', 'SG', 1],
        ['cloud-host', 'US', 1],
        ['processor', 'IN', 1],
      ]);
    });
  });

  describe('when a recipient is renamed', () => {
    it('shows the name of the latest transfer in time, not the latest recorded', () => {
      const subject = aSubjectStream();
      const summary = documentAfter<TransferSummaryDocument>(projection, [
        subject.dataTransferred({ recipient: { ...ACME, name: 'Acme 2026' } }, { occurredAt: '2026-06-01T00:00:00.000Z' }),
        subject.dataTransferred({ recipient: { ...ACME, name: 'Acme 2025' } }, { occurredAt: '2025-06-01T00:00:00.000Z' }),
      ]);

      expect(summary?.recipients.map((r) => r.name)).toEqual(['Acme 2026']);
    });
  });

  describe('when an event is not a transfer', () => {
    it('touches no document', () => {
      const subject = aSubjectStream();
      const consent = subject.consentGiven();

      expect(projection.documentId(consent)).toBeNull();
      expect(projection.evolve(null, consent)).toBeNull();
    });
  });
});
