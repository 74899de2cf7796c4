/**
 * RFC 9162 (CT v2, same tree as RFC 6962) Merkle tree hashing over the event log in global
 * order. Pure: node:crypto only, no I/O, no clock.
 *
 * Leaves passed to `rootHash`, `inclusionProof`, `consistencyProof` and
 * `MerkleAccumulator.push` are LEAF HASHES (`leafHash(eventHash)`), each 32 bytes.
 *
 * Complexity (n = number of leaves):
 * - `rootHash`: n - 1 node hashes, O(log n) stack (recursion over index ranges, no copies).
 * - `inclusionProof` / `consistencyProof`: each proof element is the root of a disjoint
 *   subtree, so at most n - 1 node hashes in total (O(n)), O(log n) elements returned.
 * - `verifyInclusion` / `verifyConsistency`: O(log n) hashes.
 * - `MerkleAccumulator`: amortised O(1) hashes per push, O(log n) memory, O(log n) `root()`.
 */
import { createHash } from 'node:crypto';

const HASH_LENGTH = 32;
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

const sha256 = (...parts: readonly Buffer[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

export const EMPTY_TREE_HASH: Buffer = sha256();

/** SHA-256(0x00 || data): the 0x00 prefix keeps a leaf from ever passing for a node. */
export const leafHash = (eventHash: Buffer): Buffer => sha256(LEAF_PREFIX, eventHash);

export const nodeHash = (left: Buffer, right: Buffer): Buffer => sha256(NODE_PREFIX, left, right);

const isHash = (value: unknown): value is Buffer => Buffer.isBuffer(value) && value.length === HASH_LENGTH;

const isSize = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;

/** The largest power of two strictly smaller than n (n >= 2): the RFC's split point k. */
const splitPoint = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

const isPowerOfTwo = (n: number): boolean => n > 0 && splitPoint(n + 1) === n;

// Arithmetic instead of `>>`/`&` so sizes beyond 2^31 stay correct (they are safe integers).
const half = (n: number): number => Math.floor(n / 2);
const isOdd = (n: number): boolean => n % 2 === 1;

const assertLeaves = (leaves: readonly Buffer[]): void => {
  leaves.forEach((leaf, i) => {
    if (!isHash(leaf)) throw new TypeError(`leaf ${i} is not a ${HASH_LENGTH}-byte hash`);
  });
};

const leafAt = (leaves: readonly Buffer[], i: number): Buffer => {
  const leaf = leaves[i];
  if (leaf === undefined) throw new RangeError(`no leaf at ${i}`);
  return leaf;
};

/** MTH(D[lo:hi]) without slicing the array. */
const subtreeHash = (leaves: readonly Buffer[], lo: number, hi: number): Buffer => {
  const n = hi - lo;
  if (n === 0) return EMPTY_TREE_HASH;
  if (n === 1) return leafAt(leaves, lo);
  const k = splitPoint(n);
  return nodeHash(subtreeHash(leaves, lo, lo + k), subtreeHash(leaves, lo + k, hi));
};

export const rootHash = (leaves: readonly Buffer[]): Buffer => {
  assertLeaves(leaves);
  return subtreeHash(leaves, 0, leaves.length);
};

/** PATH(m, D[n]) (RFC 9162 2.1.3.1), ordered from the leaf's sibling up to the root's child. */
export const inclusionProof = (index: number, leaves: readonly Buffer[]): Buffer[] => {
  if (!isSize(index) || index >= leaves.length) {
    throw new RangeError(`leaf index ${index} is outside a tree of size ${leaves.length}`);
  }
  assertLeaves(leaves);
  // Walk down from the root; each step records the sibling subtree of the branch taken.
  const siblingsTopDown: Buffer[] = [];
  let lo = 0;
  let hi = leaves.length;
  while (hi - lo > 1) {
    const mid = lo + splitPoint(hi - lo);
    if (index < mid) {
      siblingsTopDown.push(subtreeHash(leaves, mid, hi));
      hi = mid;
    } else {
      siblingsTopDown.push(subtreeHash(leaves, lo, mid));
      lo = mid;
    }
  }
  return siblingsTopDown.reverse();
};

/**
 * RFC 9162 2.1.3.2. Every input is checked: sizes, hash lengths, and the proof must be
 * consumed exactly (a missing or extra element fails, as does any altered one).
 */
export const verifyInclusion = (index: number, treeSize: number, leaf: Buffer, proof: readonly Buffer[], root: Buffer): boolean => {
  if (!isSize(index) || !isSize(treeSize) || index >= treeSize) return false;
  if (!isHash(leaf) || !isHash(root) || !proof.every(isHash)) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      // Climb past levels where this node is a lone right-most child (no sibling to hash).
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
};

/** SUBPROOF(m, D[lo:hi], b) of RFC 9162 2.1.4.1, appending to `out` bottom-up. */
const subproof = (m: number, leaves: readonly Buffer[], lo: number, hi: number, complete: boolean, out: Buffer[]): void => {
  const n = hi - lo;
  if (m === n) {
    if (!complete) out.push(subtreeHash(leaves, lo, hi));
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    subproof(m, leaves, lo, lo + k, complete, out);
    out.push(subtreeHash(leaves, lo + k, hi));
  } else {
    subproof(m - k, leaves, lo + k, hi, false, out);
    out.push(subtreeHash(leaves, lo, lo + k));
  }
};

/** PROOF(m, D[n]) (RFC 9162 2.1.4.1); empty for m = 0 and m = n, which need no proof. */
export const consistencyProof = (oldSize: number, leaves: readonly Buffer[]): Buffer[] => {
  if (!isSize(oldSize) || oldSize > leaves.length) {
    throw new RangeError(`old size ${oldSize} is outside a tree of size ${leaves.length}`);
  }
  assertLeaves(leaves);
  const out: Buffer[] = [];
  if (oldSize > 0) subproof(oldSize, leaves, 0, leaves.length, true, out);
  return out;
};

/** RFC 9162 2.1.4.2 with every proof element used and the proof consumed exactly. */
export const verifyConsistency = (
  oldSize: number,
  newSize: number,
  oldRoot: Buffer,
  newRoot: Buffer,
  proof: readonly Buffer[],
): boolean => {
  if (!isSize(oldSize) || !isSize(newSize) || oldSize > newSize) return false;
  if (!isHash(oldRoot) || !isHash(newRoot) || !proof.every(isHash)) return false;
  if (oldSize === newSize) return proof.length === 0 && oldRoot.equals(newRoot);
  if (oldSize === 0) return proof.length === 0;
  if (proof.length === 0) return false;

  // A power-of-two old tree is a complete subtree of the new one; its root is the first node.
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  const [first, ...rest] = path;
  if (first === undefined) return false;
  let fr = first;
  let sr = first;
  for (const c of rest) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && fr.equals(oldRoot) && sr.equals(newRoot);
};

/**
 * Running root of an append-only log: keeps one hash per complete subtree (the set bits of
 * `size`), largest first, so memory is O(log n) and `root()` equals `rootHash` of all pushes.
 */
export class MerkleAccumulator {
  private readonly stack: Buffer[] = [];
  private count = 0;

  push(leaf: Buffer): void {
    if (!isHash(leaf)) throw new TypeError(`leaf is not a ${HASH_LENGTH}-byte hash`);
    let hash = leaf;
    // Each trailing 1-bit of the old count is a same-sized subtree to merge with.
    for (let c = this.count; isOdd(c); c = half(c)) {
      const left = this.stack.pop();
      if (left === undefined) throw new Error('accumulator stack underflow');
      hash = nodeHash(left, hash);
    }
    this.stack.push(hash);
    this.count += 1;
  }

  get size(): number {
    return this.count;
  }

  root(): Buffer {
    if (this.stack.length === 0) return EMPTY_TREE_HASH;
    // Smaller (right-hand) subtrees fold first, exactly as MTH splits at the largest power of two.
    return this.stack.reduceRight((right, left) => nodeHash(left, right));
  }
}
