import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent } from '../../src/event-store/event-store.port.js';
import { subjectStreamId } from '../../src/domain/stream-id.js';

const SYSTEMS = ['crm', 'call-recordings', 'analytics', 'backups'];
const COUNTRIES = ['IN', 'SG', 'US', 'DE', 'IE'];
const KINDS = ['cloud-host', 'processor', 'development-partner'];

/**
 * Writes a realistic log straight through the event-store port: per subject a consent,
 * transfers, and for one subject in three a withdrawal that opens an erasure, confirmed by
 * some of the systems. `eventsPerSubject` is the average; the total is exact.
 */
export const seedLog = async (store: EventStore, totalEvents: number, subjects: number): Promise<number> => {
  let written = 0;
  const start = Date.parse('2026-01-01T00:00:00Z');
  for (let s = 0; s < subjects && written < totalEvents; s++) {
    const tenantId = `tenant-${s % 20}`;
    const subjectId = `subject-${s}`;
    const remaining = totalEvents - written;
    const share = s === subjects - 1 ? remaining : Math.min(remaining, Math.round(totalEvents / subjects));
    const at = (i: number) => new Date(start + s * 60_000 + i * 1000).toISOString();
    const meta = { tenantId, subjectId, actor: 'bench', correlationId: randomUUID(), causationId: randomUUID(), idempotencyKey: null };
    const events: NewEvent[] = [];
    const push = (type: string, data: Record<string, unknown>) =>
      events.push({ id: randomUUID(), type, occurredAt: at(events.length), recordedAt: at(events.length), data, metadata: meta });
    push('consent-given', {
      purposes: ['crm-access', 'call-analytics', 'usage-analytics'],
      policyVersion: '2024-06',
      channel: 'web',
      evidence: { ipAddress: '203.0.113.7', userAgent: 'Mozilla/5.0', contact: `user${s}@example.com` },
    });
    const erasing = s % 3 === 0 && share >= 4;
    const transfers = Math.max(0, share - 1 - (erasing ? 2 + Math.min(SYSTEMS.length, share - 3) : 0));
    for (let t = 0; t < transfers; t++) {
      push('data-transferred', {
        transferId: randomUUID(),
        recipient: { id: `r-${t % 7}`, name: `Recipient ${t % 7}`, kind: KINDS[t % KINDS.length] },
        country: COUNTRIES[(s + t) % COUNTRIES.length],
        dataCategories: ['pii.name', 'pii.phone-number'],
        purpose: 'crm-access',
        legalBasis: 'consent',
      });
    }
    if (erasing) {
      const deletionId = randomUUID();
      push('consent-withdrawn', { purposes: ['crm-access', 'call-analytics', 'usage-analytics'] });
      push('deletion-requested', {
        deletionId,
        requestedAt: at(events.length),
        dueAt: new Date(start + s * 60_000 + 30 * 86_400_000).toISOString(),
        systems: SYSTEMS,
        trigger: 'all-consent-withdrawn',
      });
      const confirmations = share - events.length;
      for (let c = 0; c < confirmations; c++) {
        push('deletion-completed', {
          deletionId,
          system: SYSTEMS[c],
          completedAt: at(events.length),
          remainingSystems: SYSTEMS.slice(c + 1),
        });
      }
    }
    await store.append(subjectStreamId(tenantId, subjectId), events.slice(0, share), 'no-stream');
    written += Math.min(share, events.length);
  }
  return written;
};
