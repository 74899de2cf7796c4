import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, createPublicKey, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import { leafHash, rootHash, verifyConsistency, verifyInclusion } from '../../src/evidence/merkle.js';
import { removeDataDir, startLedger, type RunningLedger } from '../support/ledger-app.js';
import { lastPosition } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';
import { storedFormOf } from '../support/sealed-events.js';

const hex = (value: string) => Buffer.from(value, 'hex');

describe('the Merkle log: signed tree heads, inclusion and consistency proofs', () => {
  let ledger: RunningLedger;
  let last = 0;

  beforeAll(async () => {
    ledger = await startLedger();
    for (let i = 0; i < 7; i++) {
      const path = subjectPath(newTenant(), newSubject());
      await ledger.post(`${path}/consents`, consentBody());
      last = lastPosition(await ledger.post(`${path}/transfers`, transferBody()));
    }
  });
  afterAll(async () => {
    await ledger.close();
    removeDataDir(ledger.dataDir);
  });

  /** The auditor's own computation, from the exported events alone. */
  const independentLeaves = async () => {
    // Personal values are exported opened, with the stored (sealed) form alongside: put back, they hash.
    const events = (await ledger.auditEvents()).map(storedFormOf);
    return events.map((e) => {
      const { hash, ...rest } = e.metadata;
      const recomputed = createHash('sha256')
        .update(
          canonicalize({
            id: e.id,
            type: e.type,
            streamId: e.streamId,
            streamPosition: e.streamPosition,
            occurredAt: e.occurredAt,
            recordedAt: e.recordedAt,
            data: e.data,
            metadata: rest,
          }) ?? '',
        )
        .digest('hex');
      expect(recomputed).toBe(hash);
      return { id: e.id as string, leaf: leafHash(hex(hash)) };
    });
  };

  it('signs the head of the whole tree with the published key, over a root the auditor can recompute', async () => {
    const head = await ledger.get(`/v1/audit/tree-head?atLeast=${last}`);
    expect(head.status).toBe(200);
    const leaves = await independentLeaves();
    expect(head.body.treeSize).toBe(leaves.length);
    expect(head.body.rootHash).toBe(rootHash(leaves.map((l) => l.leaf)).toString('hex'));
    const publicKey = createPublicKey((await ledger.get('/v1/audit/public-key')).text);
    const { signature, ...signed } = head.body;
    expect(verify(null, Buffer.from(canonicalize(signed) ?? ''), publicKey, Buffer.from(signature, 'base64'))).toBe(true);
    expect(
      verify(
        null,
        Buffer.from(canonicalize({ ...signed, treeSize: signed.treeSize - 1 }) ?? ''),
        publicKey,
        Buffer.from(signature, 'base64'),
      ),
    ).toBe(false);
  });

  it('signs the head of an earlier tree size on request and keeps every signed head', async () => {
    const leaves = await independentLeaves();
    const earlier = await ledger.get('/v1/audit/tree-head?treeSize=5');
    expect(earlier.body.treeSize).toBe(5);
    expect(earlier.body.rootHash).toBe(rootHash(leaves.slice(0, 5).map((l) => l.leaf)).toString('hex'));
    const stored = await ledger.get('/v1/audit/tree-heads');
    expect(stored.body.treeHeads.map((h: { treeSize: number }) => h.treeSize)).toContain(5);
    expect((await ledger.get(`/v1/audit/tree-head?treeSize=${leaves.length + 1}`)).status).toBe(400);
  });

  it('proves every event is in the tree, and a forged proof fails', async () => {
    const leaves = await independentLeaves();
    const root = rootHash(leaves.map((l) => l.leaf));
    for (const [index, { id, leaf }] of leaves.entries()) {
      const answer = await ledger.get(`/v1/audit/events/${id}/proof`);
      expect(answer.status).toBe(200);
      expect(answer.body.leafIndex).toBe(index);
      const proof = answer.body.proof.map(hex);
      expect(verifyInclusion(index, leaves.length, leaf, proof, root)).toBe(true);
      if (proof.length > 0) {
        const forged = [...proof];
        forged[0] = Buffer.from(forged[0]!.map((b: number, i: number) => (i === 0 ? b ^ 1 : b)));
        expect(verifyInclusion(index, leaves.length, leaf, forged, root)).toBe(false);
      }
    }
    expect((await ledger.get('/v1/audit/events/0193b6a5-0000-7000-8000-000000000000/proof')).status).toBe(404);
    expect((await ledger.get('/v1/audit/events/not-a-uuid/proof')).status).toBe(400);
  });

  it('proves that an earlier tree is a prefix of a later one', async () => {
    const leaves = (await independentLeaves()).map((l) => l.leaf);
    for (const from of [0, 1, 3, 8, leaves.length]) {
      const answer = await ledger.get(`/v1/audit/consistency?from=${from}&to=${leaves.length}`);
      expect(answer.status).toBe(200);
      const oldRoot = rootHash(leaves.slice(0, from));
      const newRoot = rootHash(leaves);
      expect(answer.body.oldRootHash).toBe(oldRoot.toString('hex'));
      expect(verifyConsistency(from, leaves.length, oldRoot, newRoot, answer.body.proof.map(hex))).toBe(true);
    }
    expect((await ledger.get('/v1/audit/consistency?from=5&to=3')).status).toBe(400);
    expect((await ledger.get('/v1/audit/consistency?from=1')).status).toBe(400);
  });
});

describe('point-in-time proof: GET .../subjects/{s}?asOf=', () => {
  let ledger: RunningLedger;
  beforeAll(async () => {
    ledger = await startLedger();
  });
  afterAll(async () => {
    await ledger.close();
    removeDataDir(ledger.dataDir);
  });

  it('gives each proving event with its hash and an inclusion proof against a signed head', async () => {
    const path = subjectPath(newTenant(), newSubject());
    const consent = await ledger.post(`${path}/consents`, consentBody({ occurredAt: '2026-01-01T00:00:00Z' }));
    const withdrawal = await ledger.post(`${path}/consents/withdrawals`, {
      purposes: ['usage-analytics'],
      occurredAt: '2026-02-01T00:00:00Z',
    });
    await ledger.get(`/v1/audit/tree-head?atLeast=${lastPosition(withdrawal)}`);
    const answer = await ledger.get(`${path}?asOf=2026-03-01T00:00:00Z`);
    expect(answer.status).toBe(200);
    const { proof } = answer.body;
    expect(proof.pending).toEqual([]);
    expect(proof.events.map((e: { eventId: string }) => e.eventId).sort()).toEqual(
      [consent.body.events[0].id, withdrawal.body.events[0].id].sort(),
    );
    const publicKey = createPublicKey((await ledger.get('/v1/audit/public-key')).text);
    const { signature, ...head } = proof.treeHead;
    expect(verify(null, Buffer.from(canonicalize(head) ?? ''), publicKey, Buffer.from(signature, 'base64'))).toBe(true);
    const exported = new Map((await ledger.auditEvents()).map((e) => [e.id, e]));
    for (const event of proof.events) {
      expect(event.eventHash).toBe(exported.get(event.eventId).metadata.hash);
      expect(
        verifyInclusion(event.leafIndex, head.treeSize, leafHash(hex(event.eventHash)), event.proof.map(hex), hex(head.rootHash)),
      ).toBe(true);
    }
  });
});
