import type { ReadDocument } from '../read-store/read-store.port.js';
import type { Projection } from '../projections/projection.js';
import { eventHash } from './event-hash.js';
import { leafHash } from './merkle.js';

/**
 * The leaves of the Merkle log: one per event, in global order. A leaf's index in the tree
 * is its rank by `globalPosition` (positions have gaps on EventStoreDB, ranks do not).
 */
export interface MerkleLeafDocument extends ReadDocument {
  readonly eventId: string;
  /**
   * Whose event it is, so that a proof is shown only to keys of that tenant. Absent from leaves
   * written before keys had tenants (until a rebuild): their proofs are then for `*` keys only.
   */
  readonly tenantId?: string;
  readonly globalPosition: number;
  /** The event's chain hash (hex), as stored in its metadata. */
  readonly eventHash: string;
  /** SHA-256(0x00 ‖ event hash), hex. */
  readonly leafHash: string;
}

export const merkleLeavesProjection: Projection<MerkleLeafDocument> = {
  name: 'merkle-leaves',
  collection: { name: 'merkle_leaves', indexes: [['globalPosition']] },
  handles: 'all',
  documentId: (event) => event.id,
  evolve: (current, event) => {
    if (current) return null;
    // Events written before hash chaining carry no hash: their canonical hash is computed
    // the same way, so the tree still covers them.
    const hash = event.metadata.hash ?? eventHash(event);
    return {
      eventId: event.id,
      tenantId: event.metadata.tenantId,
      globalPosition: event.globalPosition,
      eventHash: hash,
      leafHash: leafHash(Buffer.from(hash, 'hex')).toString('hex'),
    };
  },
};
