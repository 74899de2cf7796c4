import type { KeyObject } from 'node:crypto';
import type { EventStore } from '../event-store/event-store.port.js';
import type { ReadStore } from '../read-store/read-store.port.js';
import { leafHash, MerkleAccumulator } from './merkle.js';
import { storedTreeHeads } from './stored-evidence.js';
import { describeFailure, verifyLog, type VerifyOk } from './verify-log.js';
import { checkTreeHeads, describeTreeHeadFailure } from './verify-tree-heads.js';

export type LedgerVerification =
  | { readonly ok: true; readonly log: VerifyOk; readonly merkleRoot: string; readonly leaves: number; readonly treeHeads: number }
  | { readonly ok: false; readonly reason: string };

/**
 * `ledger verify`: every event hash and stream chain from raw storage, the Merkle root over
 * the whole log, and every stored tree head's signature and root against the log's prefix
 * of that size. The first failure is named.
 */
export const verifyLedger = async (
  events: EventStore,
  readStore: ReadStore,
  publicKey: KeyObject | null,
  options: { allowUnhashed?: boolean } = {},
): Promise<LedgerVerification> => {
  const heads = await storedTreeHeads(readStore);
  const sizes = new Set(heads.map((h) => h.treeSize));
  const rootsBySize = new Map<number, Buffer>();
  const tree = new MerkleAccumulator();
  const log = await verifyLog(events.readAll(), {
    allowUnhashed: options.allowUnhashed === true,
    onVerified: (_event, hash) => {
      tree.push(leafHash(Buffer.from(hash, 'hex')));
      if (sizes.has(tree.size)) rootsBySize.set(tree.size, tree.root());
    },
  });
  if (!log.ok) return { ok: false, reason: `after ${log.eventsBefore} good events: ${describeFailure(log)}` };
  if (heads.length > 0 && !publicKey) {
    return { ok: false, reason: 'tree heads are stored but no signing key is configured or found to check them' };
  }
  const headFailure = publicKey ? checkTreeHeads(heads, rootsBySize, publicKey) : null;
  if (headFailure) return { ok: false, reason: describeTreeHeadFailure(headFailure) };
  return { ok: true, log, merkleRoot: tree.root().toString('hex'), leaves: tree.size, treeHeads: heads.length };
};
