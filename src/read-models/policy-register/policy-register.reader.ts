import type { ReadStore } from '../../read-store/read-store.port.js';
import { policyRegisterProjection, policyVersionKey, type PolicyRegisterDocument } from './policy-register.projection.js';

export type PublishedPolicyDocument = PolicyRegisterDocument & {
  readonly effectiveFrom: string;
  readonly material: boolean;
  readonly eventId: string;
};

const isPublished = (document: PolicyRegisterDocument | null): document is PublishedPolicyDocument =>
  document !== null && document.eventId !== null && document.effectiveFrom !== null && document.material !== null;

/** A tenant's published versions in publication order (a handful: read in full). */
export const publishedPolicies = async (store: ReadStore, tenantId: string): Promise<PublishedPolicyDocument[]> => {
  const documents = await store.find<PolicyRegisterDocument>(policyRegisterProjection.collection.name, {
    where: { tenantId },
    orderBy: ['globalPosition'],
  });
  return documents.filter(isPublished);
};

export const publishedPolicy = async (store: ReadStore, tenantId: string, version: string): Promise<PublishedPolicyDocument | null> => {
  const document = await store.get<PolicyRegisterDocument>(policyRegisterProjection.collection.name, policyVersionKey(tenantId, version));
  return isPublished(document) ? document : null;
};
