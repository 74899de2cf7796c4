import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { TenantScope } from '../config/api-key-list.js';
import { LedgerError, validationFailed } from '../domain/ledger-error.js';
import { CLOCK, type Clock } from '../platform/clock.js';
import { READ_STORE, type ReadStore, type ReadDocument } from '../read-store/read-store.port.js';
import { consistencyProof, inclusionProof, rootHash } from './merkle.js';
import { merkleLeavesProjection, type MerkleLeafDocument } from './merkle-leaves.projection.js';
import { SIGNING_KEY, signCanonical, type SigningKey } from './signing-key.js';
import { TREE_HEADS_COLLECTION } from './stored-evidence.js';
import type { SignedTreeHead, TreeHead } from './tree-head.js';

interface StoredTreeHead extends ReadDocument, SignedTreeHead {}

const LEAVES = merkleLeavesProjection.collection.name;
const HEADS = TREE_HEADS_COLLECTION;

/**
 * The Merkle log over the global order of events (RFC 9162 tree hashing), read from the
 * merkle-leaves projection. Every head it signs is stored, so an auditor can later ask for
 * the consistency of any two. Proofs are computed from the leaves on request: O(n) hashing
 * for a tree of n events.
 */
@Injectable()
export class TransparencyLog implements OnModuleInit {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(SIGNING_KEY) private readonly key: SigningKey,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.store.prepare([{ name: HEADS, indexes: [['treeSize']] }, merkleLeavesProjection.collection]);
  }

  async size(): Promise<number> {
    return this.store.count(LEAVES);
  }

  /** Signs the head of the tree at `treeSize` (default: every event projected so far) and stores it. */
  async signedHead(treeSize?: number): Promise<SignedTreeHead> {
    const size = await this.checkedSize(treeSize, 'treeSize');
    const leaves = await this.leaves(size);
    const head: TreeHead = { treeSize: size, rootHash: rootHash(leaves).toString('hex'), timestamp: this.clock.now().toISOString() };
    const signed = { ...head, signature: signCanonical(this.key, head) };
    await this.store.putMany(HEADS, [{ _id: `${String(size).padStart(16, '0')}-${head.timestamp}`, _position: size, ...signed }]);
    return signed;
  }

  async storedHeads(): Promise<SignedTreeHead[]> {
    const heads = await this.store.find<StoredTreeHead>(HEADS, { orderBy: ['treeSize'] });
    return heads.map(({ treeSize, rootHash: root, timestamp, signature }) => ({ treeSize, rootHash: root, timestamp, signature }));
  }

  /** `tenants`: whose events the caller may see; another tenant's event is answered as unknown. */
  async inclusion(eventId: string, treeSize?: number, tenants: TenantScope = '*') {
    const size = await this.checkedSize(treeSize, 'treeSize');
    const leaf = await this.store.get<MerkleLeafDocument>(LEAVES, eventId);
    const visible = leaf !== null && (tenants === '*' || (leaf.tenantId !== undefined && tenants.includes(leaf.tenantId)));
    if (!visible) throw new LedgerError('not-found', `No event ${eventId} in the Merkle log (yet).`);
    const [proof] = await this.inclusions([eventId], size);
    if (!proof) throw validationFailed([{ field: 'treeSize', message: `event ${eventId} is not within a tree of size ${size}` }]);
    return proof;
  }

  /**
   * Inclusion proofs of several events against one tree size, reading the leaves once.
   * Events not in that tree (not yet projected, or beyond its size) are left out; callers
   * compare ids.
   */
  async inclusions(eventIds: readonly string[], treeSize: number) {
    const leaves = await this.leaves(treeSize);
    const root = rootHash(leaves).toString('hex');
    const found = await this.store.getMany<MerkleLeafDocument>(LEAVES, eventIds);
    const proofs = await Promise.all(
      [...found.values()].map(async (leaf) => {
        const index = await this.store.count(LEAVES, { globalPosition: { lt: leaf.globalPosition } });
        if (index >= treeSize) return null;
        return {
          eventId: leaf.eventId,
          eventHash: leaf.eventHash,
          leafHash: leaf.leafHash,
          leafIndex: index,
          treeSize,
          rootHash: root,
          proof: inclusionProof(index, leaves).map((h) => h.toString('hex')),
        };
      }),
    );
    return proofs.filter((p) => p !== null);
  }

  /**
   * Proof material for a set of events: a freshly signed head and each event's inclusion
   * proof against it. Events the Merkle projection has not applied yet are listed as
   * pending rather than omitted.
   */
  async proveEvents(eventIds: readonly string[]) {
    const treeHead = await this.signedHead();
    const events = await this.inclusions(eventIds, treeHead.treeSize);
    const included = new Set(events.map((p) => p.eventId));
    return { treeHead, events, pending: eventIds.filter((id) => !included.has(id)) };
  }

  async consistency(from: number, to: number) {
    const newSize = await this.checkedSize(to, 'to');
    if (from > newSize) throw validationFailed([{ field: 'from', message: 'from must not be larger than to' }]);
    const leaves = await this.leaves(newSize);
    return {
      from,
      to: newSize,
      oldRootHash: rootHash(leaves.slice(0, from)).toString('hex'),
      newRootHash: rootHash(leaves).toString('hex'),
      proof: consistencyProof(from, leaves).map((h) => h.toString('hex')),
    };
  }

  private async checkedSize(requested: number | undefined, field: string): Promise<number> {
    const current = await this.size();
    if (requested === undefined) return current;
    if (requested > current) {
      throw validationFailed([{ field, message: `the tree has ${current} events so far; ${requested} is beyond it` }]);
    }
    return requested;
  }

  private async leaves(size: number): Promise<Buffer[]> {
    if (size === 0) return [];
    const documents = await this.store.find<MerkleLeafDocument>(LEAVES, { orderBy: ['globalPosition'], limit: size });
    return documents.map((d) => Buffer.from(d.leafHash, 'hex'));
  }
}
