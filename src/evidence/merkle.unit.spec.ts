import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  EMPTY_TREE_HASH,
  MerkleAccumulator,
  consistencyProof,
  inclusionProof,
  leafHash,
  nodeHash,
  rootHash,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';

const hex = (value: string): Buffer => Buffer.from(value, 'hex');
const toHex = (buffers: readonly Buffer[]): string[] => buffers.map((b) => b.toString('hex'));

/*
 * Known answers from transparency-dev/merkle, proof/verify_test.go (the RFC 6962 vectors
 * that Certificate Transparency implementations share; same values as the C++ CT log's
 * merkle_tree_test). Leaf inputs are raw leaf DATA, hashed with leafHash.
 */
const CT_LEAF_DATA = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hex);
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// The Go file numbers leaves from 1; these are 0-based indexes.
const CT_INCLUSION: ReadonlyArray<{ index: number; size: number; proof: string[] }> = [
  { index: 0, size: 1, proof: [] },
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];
const CT_CONSISTENCY: ReadonlyArray<{ m: number; n: number; proof: string[] }> = [
  { m: 1, n: 1, proof: [] },
  {
    m: 1,
    n: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    m: 6,
    n: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    m: 2,
    n: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    m: 6,
    n: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];
const ctLeaves = CT_LEAF_DATA.map(leafHash);

/*
 * A deliberately naive reference, transcribed from the RFC 9162 2.1 text: array slices,
 * its own hashing, the split point from log2. Written independently of merkle.ts so the two
 * only agree if both follow the RFC.
 */
const refSha = (bytes: Buffer): Buffer => createHash('sha256').update(bytes).digest();
const refK = (n: number): number => 2 ** Math.floor(Math.log2(n - 1));
const refMTH = (d: readonly Buffer[]): Buffer => {
  if (d.length === 0) return refSha(Buffer.alloc(0));
  if (d.length === 1) return d[0] as Buffer;
  const k = refK(d.length);
  return refSha(Buffer.concat([Buffer.from([1]), refMTH(d.slice(0, k)), refMTH(d.slice(k))]));
};
const refPATH = (m: number, d: readonly Buffer[]): Buffer[] => {
  if (d.length === 1) return [];
  const k = refK(d.length);
  return m < k ? [...refPATH(m, d.slice(0, k)), refMTH(d.slice(k))] : [...refPATH(m - k, d.slice(k)), refMTH(d.slice(0, k))];
};
const refSUBPROOF = (m: number, d: readonly Buffer[], b: boolean): Buffer[] => {
  if (m === d.length) return b ? [] : [refMTH(d)];
  const k = refK(d.length);
  return m <= k
    ? [...refSUBPROOF(m, d.slice(0, k), b), refMTH(d.slice(k))]
    : [...refSUBPROOF(m - k, d.slice(k), false), refMTH(d.slice(0, k))];
};
const refPROOF = (m: number, d: readonly Buffer[]): Buffer[] => refSUBPROOF(m, d, true);

const syntheticLeaves = (n: number): Buffer[] => Array.from({ length: n }, (_, i) => leafHash(refSha(Buffer.from(`event ${i}`))));
const LEAVES_64 = syntheticLeaves(64);

const flipBit = (proof: readonly Buffer[], at: number, bit = 3): Buffer[] =>
  proof.map((p, i) => {
    if (i !== at) return p;
    const copy = Buffer.from(p);
    copy[0] = (copy[0] ?? 0) ^ (1 << bit);
    return copy;
  });
const without = (proof: readonly Buffer[], at: number): Buffer[] => proof.filter((_, i) => i !== at);
const insertAt = (proof: readonly Buffer[], at: number, extra: Buffer): Buffer[] => [...proof.slice(0, at), extra, ...proof.slice(at)];

describe('Merkle tree hashing (RFC 9162 / RFC 6962)', () => {
  describe('known answers', () => {
    it('hashes the empty tree to SHA-256 of the empty string', () => {
      expect(EMPTY_TREE_HASH.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
      expect(rootHash([]).equals(EMPTY_TREE_HASH)).toBe(true);
    });

    it('prefixes leaves with 0x00 and nodes with 0x01', () => {
      expect(leafHash(Buffer.alloc(0)).toString('hex')).toBe(CT_ROOTS[0]);
      const [a, b] = [randomBytes(32), randomBytes(32)];
      expect(nodeHash(a, b).equals(refSha(Buffer.concat([Buffer.from([1]), a, b])))).toBe(true);
      expect(nodeHash(a, b).equals(nodeHash(b, a))).toBe(false);
    });

    it.each(CT_ROOTS.map((root, i) => [i + 1, root] as const))('gives the CT root for the tree of size %d', (size, root) => {
      expect(rootHash(ctLeaves.slice(0, size)).toString('hex')).toBe(root);
    });

    it.each(CT_INCLUSION.map((v) => [v.index, v.size, v] as const))(
      'builds and verifies the CT inclusion proof for leaf %d of %d',
      (index, size, vector) => {
        const leaves = ctLeaves.slice(0, size);
        expect(toHex(inclusionProof(index, leaves))).toEqual(vector.proof);
        const root = hex(CT_ROOTS[size - 1] as string);
        expect(verifyInclusion(index, size, leafHash(CT_LEAF_DATA[index] as Buffer), vector.proof.map(hex), root)).toBe(true);
      },
    );

    it.each(CT_CONSISTENCY.map((v) => [v.m, v.n, v] as const))(
      'builds and verifies the CT consistency proof from %d to %d',
      (m, n, vector) => {
        expect(toHex(consistencyProof(m, ctLeaves.slice(0, n)))).toEqual(vector.proof);
        const [oldRoot, newRoot] = [hex(CT_ROOTS[m - 1] as string), hex(CT_ROOTS[n - 1] as string)];
        expect(verifyConsistency(m, n, oldRoot, newRoot, vector.proof.map(hex))).toBe(true);
      },
    );
  });

  describe('against the naive reference, for every tree of 1 to 64 leaves', () => {
    it('agrees on every root', () => {
      for (let n = 0; n <= 64; n++) {
        expect(rootHash(LEAVES_64.slice(0, n)).equals(refMTH(LEAVES_64.slice(0, n)))).toBe(true);
      }
    });

    it('agrees on every inclusion proof, and each one verifies', () => {
      for (let n = 1; n <= 64; n++) {
        const leaves = LEAVES_64.slice(0, n);
        const root = refMTH(leaves);
        for (let i = 0; i < n; i++) {
          const proof = inclusionProof(i, leaves);
          expect(toHex(proof)).toEqual(toHex(refPATH(i, leaves)));
          expect(verifyInclusion(i, n, leaves[i] as Buffer, proof, root)).toBe(true);
        }
      }
    });

    it('agrees on every consistency proof, and each one verifies', () => {
      for (let n = 1; n <= 64; n++) {
        const leaves = LEAVES_64.slice(0, n);
        const newRoot = refMTH(leaves);
        for (let m = 1; m <= n; m++) {
          const proof = consistencyProof(m, leaves);
          expect(toHex(proof)).toEqual(toHex(refPROOF(m, leaves)));
          expect(verifyConsistency(m, n, refMTH(leaves.slice(0, m)), newRoot, proof)).toBe(true);
        }
        expect(consistencyProof(0, leaves)).toEqual([]);
        expect(verifyConsistency(0, n, EMPTY_TREE_HASH, newRoot, [])).toBe(true);
      }
    });

    it('rejects every inclusion proof presented for another leaf of the same tree', () => {
      for (const n of [7, 8, 13, 32, 33]) {
        const leaves = LEAVES_64.slice(0, n);
        const root = rootHash(leaves);
        for (let i = 0; i < n; i++) {
          const proof = inclusionProof(i, leaves);
          for (let j = 0; j < n; j++) {
            if (j !== i) expect(verifyInclusion(j, n, leaves[i] as Buffer, proof, root)).toBe(false);
          }
        }
      }
    });
  });

  describe('when an inclusion proof is forged', () => {
    const cases: ReadonlyArray<readonly [number, number]> = [
      [0, 2],
      [1, 3],
      [0, 8],
      [5, 8],
      [6, 7],
      [4, 5],
      [10, 15],
      [24, 31],
      [33, 64],
      [63, 64],
    ];

    it.each(cases)('rejects every tampering of the proof of leaf %d in a tree of %d', (index, size) => {
      const leaves = LEAVES_64.slice(0, size);
      const root = rootHash(leaves);
      const leaf = leaves[index] as Buffer;
      const proof = inclusionProof(index, leaves);
      expect(verifyInclusion(index, size, leaf, proof, root)).toBe(true);

      const forged: Buffer[][] = [];
      for (let at = 0; at < proof.length; at++) {
        for (const bit of [0, 3, 7]) forged.push(flipBit(proof, at, bit));
        forged.push(without(proof, at));
      }
      for (let at = 0; at <= proof.length; at++) {
        forged.push(insertAt(proof, at, randomBytes(32)), insertAt(proof, at, root), insertAt(proof, at, leaf));
      }
      forged.push(
        [...proof, Buffer.alloc(0)],
        [Buffer.alloc(0), ...proof],
        proof.map((p, i) => (i === 0 ? p.subarray(0, 31) : p)),
        proof.map((p, i) => (i === 0 ? Buffer.concat([p, Buffer.alloc(1)]) : p)),
      );
      if (proof.length > 1) forged.push([...proof].reverse());
      for (const bad of forged) expect(verifyInclusion(index, size, leaf, bad, root)).toBe(false);
    });

    it.each(cases)('rejects the proof of leaf %d of %d under another index, size, leaf or root', (index, size) => {
      const leaves = LEAVES_64.slice(0, size);
      const root = rootHash(leaves);
      const leaf = leaves[index] as Buffer;
      const proof = inclusionProof(index, leaves);
      const otherIndexes = [index - 1, index + 1, index ^ 1, index ^ 2].filter((j) => j !== index && j >= 0 && j < size);
      for (const j of otherIndexes) expect(verifyInclusion(j, size, leaf, proof, root)).toBe(false);
      // Sizes whose tree gives the leaf a path of another length. (A size with the same path
      // shape cannot be told apart from the proof alone: the signed tree head binds the size.)
      for (const wrongSize of [size * 2, Math.floor(size / 2), index, 0]) {
        expect(verifyInclusion(index, wrongSize, leaf, proof, root)).toBe(false);
      }
      expect(verifyInclusion(size, size, leaf, proof, root)).toBe(false);
      expect(verifyInclusion(index, size, randomBytes(32), proof, root)).toBe(false);
      expect(verifyInclusion(index, size, leaf.subarray(0, 31), proof, root)).toBe(false);
      expect(verifyInclusion(index, size, leaf, proof, EMPTY_TREE_HASH)).toBe(false);
      expect(verifyInclusion(index, size, leaf, proof, Buffer.concat([root, Buffer.alloc(1)]))).toBe(false);
      expect(verifyInclusion(-1, size, leaf, proof, root)).toBe(false);
      expect(verifyInclusion(index + 0.5, size, leaf, proof, root)).toBe(false);
    });

    it('accepts a one-leaf tree only with an empty proof and the leaf as root', () => {
      const leaf = LEAVES_64[0] as Buffer;
      expect(verifyInclusion(0, 1, leaf, [], leaf)).toBe(true);
      expect(verifyInclusion(0, 1, leaf, [leaf], leaf)).toBe(false);
      expect(verifyInclusion(0, 1, leaf, [], randomBytes(32))).toBe(false);
      expect(verifyInclusion(0, 0, leaf, [], leaf)).toBe(false);
      expect(verifyInclusion(1, 1, leaf, [], leaf)).toBe(false);
    });

    it('refuses to build a proof for a leaf outside the tree', () => {
      expect(() => inclusionProof(0, [])).toThrow(RangeError);
      expect(() => inclusionProof(3, LEAVES_64.slice(0, 3))).toThrow(RangeError);
      expect(() => inclusionProof(-1, LEAVES_64.slice(0, 3))).toThrow(RangeError);
      expect(() => inclusionProof(0, [Buffer.alloc(31)])).toThrow(TypeError);
    });
  });

  describe('when a consistency proof is forged', () => {
    const cases: ReadonlyArray<readonly [number, number]> = [
      [1, 2],
      [1, 8],
      [2, 5],
      [3, 7],
      [4, 7],
      [6, 8],
      [6, 7],
      [7, 8],
      [10, 15],
      [24, 31],
      [32, 64],
      [33, 64],
      [63, 64],
    ];

    it.each(cases)('rejects every tampering of the proof from %d to %d', (m, n) => {
      const leaves = LEAVES_64.slice(0, n);
      const [oldRoot, newRoot] = [rootHash(leaves.slice(0, m)), rootHash(leaves)];
      const proof = consistencyProof(m, leaves);
      expect(verifyConsistency(m, n, oldRoot, newRoot, proof)).toBe(true);

      const forged: Buffer[][] = [[]];
      for (let at = 0; at < proof.length; at++) {
        for (const bit of [0, 4, 7]) forged.push(flipBit(proof, at, bit));
        forged.push(without(proof, at));
      }
      for (let at = 0; at <= proof.length; at++) {
        for (const extra of [randomBytes(32), oldRoot, newRoot, proof[0] as Buffer]) forged.push(insertAt(proof, at, extra));
      }
      forged.push(
        [...proof, Buffer.alloc(0)],
        [Buffer.alloc(0), ...proof],
        proof.map((p, i) => (i === proof.length - 1 ? p.subarray(1) : p)),
      );
      for (const bad of forged) expect(verifyConsistency(m, n, oldRoot, newRoot, bad)).toBe(false);
    });

    it.each(cases)('rejects the proof from %d to %d under other sizes or roots', (m, n) => {
      const leaves = LEAVES_64.slice(0, n);
      const [oldRoot, newRoot] = [rootHash(leaves.slice(0, m)), rootHash(leaves)];
      const proof = consistencyProof(m, leaves);
      const sizePairs: Array<readonly [number, number]> = [
        [m - 1, n],
        [m + 1, n],
        [m ^ 2, n],
        [m, n * 2],
        [m, Math.floor(n / 2)],
        [n, m],
        [m, m],
        [n, n],
      ];
      for (const [a, b] of sizePairs) {
        if (a === m && b === n) continue;
        expect(verifyConsistency(a, b, oldRoot, newRoot, proof)).toBe(false);
      }
      expect(verifyConsistency(m, n, newRoot, oldRoot, proof)).toBe(false);
      expect(verifyConsistency(m, n, randomBytes(32), newRoot, proof)).toBe(false);
      expect(verifyConsistency(m, n, oldRoot, randomBytes(32), proof)).toBe(false);
      expect(verifyConsistency(m, n, oldRoot.subarray(0, 31), newRoot, proof)).toBe(false);
      expect(verifyConsistency(m, n, oldRoot, Buffer.concat([newRoot, Buffer.alloc(1)]), proof)).toBe(false);
    });

    it('treats equal and empty old trees as the RFC edge cases', () => {
      const [r1, r2] = [randomBytes(32), randomBytes(32)];
      expect(verifyConsistency(0, 0, EMPTY_TREE_HASH, EMPTY_TREE_HASH, [])).toBe(true);
      expect(verifyConsistency(0, 0, EMPTY_TREE_HASH, r2, [])).toBe(false);
      expect(verifyConsistency(0, 0, EMPTY_TREE_HASH, EMPTY_TREE_HASH, [EMPTY_TREE_HASH])).toBe(false);
      expect(verifyConsistency(0, 1, EMPTY_TREE_HASH, r2, [])).toBe(true);
      expect(verifyConsistency(0, 1, EMPTY_TREE_HASH, r2, [EMPTY_TREE_HASH])).toBe(false);
      expect(verifyConsistency(1, 1, r1, r1, [])).toBe(true);
      expect(verifyConsistency(1, 1, r1, r2, [])).toBe(false);
      expect(verifyConsistency(1, 1, r1, r1, [r1])).toBe(false);
      expect(verifyConsistency(1, 0, r1, r2, [])).toBe(false);
      expect(verifyConsistency(2, 1, r1, r2, [])).toBe(false);
      expect(verifyConsistency(1, 2, r1, r2, [])).toBe(false);
      expect(verifyConsistency(-1, 2, r1, r2, [])).toBe(false);
    });

    it('refuses to build a proof from a size beyond the tree', () => {
      expect(() => consistencyProof(4, LEAVES_64.slice(0, 3))).toThrow(RangeError);
      expect(() => consistencyProof(-1, LEAVES_64.slice(0, 3))).toThrow(RangeError);
      expect(consistencyProof(3, LEAVES_64.slice(0, 3))).toEqual([]);
    });
  });

  describe('MerkleAccumulator', () => {
    it('equals rootHash after every push, for sizes 0 to 200', () => {
      const leaves = syntheticLeaves(200);
      const accumulator = new MerkleAccumulator();
      expect(accumulator.size).toBe(0);
      expect(accumulator.root().equals(EMPTY_TREE_HASH)).toBe(true);
      leaves.forEach((leaf, i) => {
        accumulator.push(leaf);
        expect(accumulator.size).toBe(i + 1);
        expect(accumulator.root().toString('hex')).toBe(rootHash(leaves.slice(0, i + 1)).toString('hex'));
      });
      expect(accumulator.root().equals(refMTH(leaves))).toBe(true);
    });

    it('reproduces the CT roots', () => {
      const accumulator = new MerkleAccumulator();
      ctLeaves.forEach((leaf, i) => {
        accumulator.push(leaf);
        expect(accumulator.root().toString('hex')).toBe(CT_ROOTS[i]);
      });
    });

    it('rejects a leaf that is not a 32-byte hash', () => {
      expect(() => new MerkleAccumulator().push(Buffer.alloc(0))).toThrow(TypeError);
    });
  });

  describe('given a large tree', () => {
    it('proves inclusion and consistency without error', () => {
      const n = 20_001;
      const leaves = syntheticLeaves(n);
      const accumulator = new MerkleAccumulator();
      for (const leaf of leaves) accumulator.push(leaf);
      const root = rootHash(leaves);
      expect(accumulator.root().equals(root)).toBe(true);
      for (const i of [0, 12_345, 16_384, n - 1]) {
        expect(verifyInclusion(i, n, leaves[i] as Buffer, inclusionProof(i, leaves), root)).toBe(true);
      }
      for (const m of [1, 4_097, 16_384, n - 1]) {
        const oldRoot = rootHash(leaves.slice(0, m));
        expect(verifyConsistency(m, n, oldRoot, root, consistencyProof(m, leaves))).toBe(true);
      }
    });
  });
});
