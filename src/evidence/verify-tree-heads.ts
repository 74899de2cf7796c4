import type { KeyObject } from 'node:crypto';
import { EMPTY_TREE_HASH } from './merkle.js';
import { verifyCanonical } from './signing-key.js';
import type { SignedTreeHead } from './tree-head.js';

export type TreeHeadProblem = 'bad signature' | 'root mismatch' | 'beyond the log';

export interface TreeHeadFailure {
  readonly head: SignedTreeHead;
  readonly problem: TreeHeadProblem;
}

/**
 * Checks stored tree heads against the log: each signature with the public key, and each
 * root against the root of the log's first `treeSize` events as recomputed from raw
 * storage (`rootsBySize`). Heads that all match prefixes of one log are pairwise
 * consistent by construction, so no separate consistency proof is needed here.
 * Returns the first failure, in tree-size order, or null.
 */
export const checkTreeHeads = (
  heads: readonly SignedTreeHead[],
  rootsBySize: ReadonlyMap<number, Buffer>,
  publicKey: KeyObject,
): TreeHeadFailure | null => {
  for (const head of [...heads].sort((a, b) => a.treeSize - b.treeSize)) {
    const { signature, ...signed } = head;
    if (!verifyCanonical(publicKey, signed, signature)) return { head, problem: 'bad signature' };
    const root = head.treeSize === 0 ? EMPTY_TREE_HASH : rootsBySize.get(head.treeSize);
    if (!root) return { head, problem: 'beyond the log' };
    if (root.toString('hex') !== head.rootHash) return { head, problem: 'root mismatch' };
  }
  return null;
};

export const describeTreeHeadFailure = (failure: TreeHeadFailure): string =>
  `tree head of size ${failure.head.treeSize} signed at ${failure.head.timestamp}: ${failure.problem}`;
