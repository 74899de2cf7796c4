import type { KeyRing } from '../../privacy/personal-data.js';
import type { TransferDocument } from './transfer-register.projection.js';

/** A transfer as answered (JSON and CSV): its reference opened (or "[erased]"), fields in their usual order. */
export const transferView = (transfer: TransferDocument, ring: KeyRing) => {
  const opened = ring.openAll(transfer.tenantId, transfer.subjectId, transfer.eventId, transfer.personal ?? []);
  const reference = opened.get('reference');
  return {
    tenantId: transfer.tenantId,
    subjectId: transfer.subjectId,
    transferId: transfer.transferId,
    eventId: transfer.eventId,
    occurredAt: transfer.occurredAt,
    recordedAt: transfer.recordedAt,
    recipientId: transfer.recipientId,
    recipientName: transfer.recipientName,
    recipientKind: transfer.recipientKind,
    country: transfer.country,
    dataCategories: transfer.dataCategories,
    purpose: transfer.purpose,
    legalBasis: transfer.legalBasis,
    reference: reference === undefined || reference === null ? null : typeof reference === 'string' ? reference : JSON.stringify(reference),
    globalPosition: transfer.globalPosition,
  };
};

export type TransferView = ReturnType<typeof transferView>;
