import { storedPersonalValues, type StoredPersonalValue } from '../../privacy/personal-fields.js';
import type { ReadDocument } from '../../read-store/read-store.port.js';
import type { Projection } from '../../projections/projection.js';
import { asSubjectEvent } from '../../projections/subject-event.js';

export interface TransferDocument extends ReadDocument {
  readonly tenantId: string;
  readonly subjectId: string;
  readonly transferId: string;
  readonly eventId: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly recipientId: string;
  readonly recipientName: string;
  readonly recipientKind: string;
  readonly country: string;
  readonly dataCategories: readonly string[];
  readonly purpose: string;
  readonly legalBasis: string;
  /**
   * The caller's reference (free text, so personal) as stored: sealed. The query opens it
   * (transfer-register.view.ts); this read model never holds it in clear.
   */
  readonly personal: readonly StoredPersonalValue[];
  readonly globalPosition: number;
}

/** Every filter of GET /v1/tenants/{t}/transfers, each with the time order it is read in. */
const INDEXES = [
  ['tenantId', 'occurredAt'],
  ['tenantId', 'country', 'occurredAt'],
  ['tenantId', 'recipientKind', 'occurredAt'],
  ['tenantId', 'recipientId', 'occurredAt'],
  ['tenantId', 'purpose', 'occurredAt'],
];

export const transferRegisterProjection: Projection<TransferDocument> = {
  name: 'transfer-register',
  collection: { name: 'transfer_register', indexes: INDEXES },
  handles: ['data-transferred'],
  documentId: (event) => (event.type === 'data-transferred' ? event.id : null),
  evolve: (current, stored) => {
    const event = asSubjectEvent(stored);
    if (current || event?.type !== 'data-transferred') return null;
    return {
      tenantId: stored.metadata.tenantId,
      subjectId: stored.metadata.subjectId,
      transferId: event.data.transferId,
      eventId: stored.id,
      occurredAt: stored.occurredAt,
      recordedAt: stored.recordedAt,
      recipientId: event.data.recipient.id,
      recipientName: event.data.recipient.name,
      recipientKind: event.data.recipient.kind,
      country: event.data.country,
      dataCategories: event.data.dataCategories,
      purpose: event.data.purpose,
      legalBasis: event.data.legalBasis,
      personal: storedPersonalValues(stored.type, stored.data),
      globalPosition: stored.globalPosition,
    };
  },
};
