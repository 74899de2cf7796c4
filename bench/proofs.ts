import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consistencyProof, inclusionProof, leafHash, MerkleAccumulator, rootHash, verifyInclusion } from '../src/evidence/merkle.js';
import { merkleLeavesProjection } from '../src/evidence/merkle-leaves.projection.js';
import { loadSigningKey } from '../src/evidence/signing-key.js';
import { TransparencyLog } from '../src/evidence/transparency-log.js';
import { openSqliteFile } from '../src/platform/sqlite/sqlite-file.js';
import { SqliteReadStore } from '../src/read-store/sqlite/sqlite-read-store.js';

/**
 * Proof generation cost for a log of N events (default 1,000,000): the pure Merkle code on
 * leaves in memory, then the route's path (leaves read from the embedded read store).
 * Usage: node dist-bench/bench/proofs.js [events]
 */
const n = Number(process.argv[2] ?? 1_000_000);
const time = async <T>(work: () => T | Promise<T>): Promise<[T, number]> => {
  const start = performance.now();
  const result = await work();
  return [result, Math.round(performance.now() - start)];
};

const hashes = Array.from({ length: n }, () => randomBytes(32));
const [leaves, leafMs] = await time(() => hashes.map(leafHash));
const [root, rootMs] = await time(() => rootHash(leaves));
const [, accumulatorMs] = await time(() => {
  const tree = new MerkleAccumulator();
  for (const leaf of leaves) tree.push(leaf);
  return tree.root();
});
const index = Math.floor(n * 0.37);
const [proof, inclusionMs] = await time(() => inclusionProof(index, leaves));
if (!verifyInclusion(index, n, leaves[index]!, proof, root)) throw new Error('proof does not verify');
const [, consistencyMs] = await time(() => consistencyProof(Math.floor(n / 3), leaves));

const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-proofs-'));
const store = new SqliteReadStore(openSqliteFile(join(dir, 'read-models.sqlite'), { synchronous: 'NORMAL' }));
await store.prepare([merkleLeavesProjection.collection]);
const [, loadMs] = await time(async () => {
  for (let start = 0; start < n; start += 10_000) {
    await store.putMany(
      merkleLeavesProjection.collection.name,
      hashes.slice(start, start + 10_000).map((h, i) => ({
        _id: `e${start + i}`,
        _position: start + i + 1,
        eventId: `e${start + i}`,
        globalPosition: start + i + 1,
        eventHash: h.toString('hex'),
        leafHash: leaves[start + i]!.toString('hex'),
      })),
    );
  }
});
const key = loadSigningKey(undefined, dir);
const log = new TransparencyLog(store, key, { now: () => new Date() });
await log.onModuleInit();
const [head, headMs] = await time(() => log.signedHead());
const [routeProof, routeInclusionMs] = await time(() => log.inclusion(`e${index}`));
const [, routeConsistencyMs] = await time(() => log.consistency(Math.floor(n / 3), n));
await store.close();
rmSync(dir, { recursive: true, force: true });
if (head.rootHash !== root.toString('hex') || routeProof.leafIndex !== index) throw new Error('route answers differ from the pure computation');

const row = {
  events: n,
  leafHashMs: leafMs,
  rootMs,
  accumulatorMs,
  inclusionProofMs: inclusionMs,
  consistencyProofMs: consistencyMs,
  proofLength: proof.length,
  routeSignedHeadMs: headMs,
  routeInclusionMs,
  routeConsistencyMs,
  leafDocumentsLoadMs: loadMs,
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  at: new Date().toISOString(),
};
console.table([row]);
mkdirSync('bench/results', { recursive: true });
writeFileSync(join('bench/results', `proofs-${n}.json`), `${JSON.stringify(row, null, 2)}\n`);
