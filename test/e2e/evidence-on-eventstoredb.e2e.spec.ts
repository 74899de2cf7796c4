import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPublicKey, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import { leafHash, rootHash, verifyConsistency, verifyInclusion } from '../../src/evidence/merkle.js';
import { EsdbProtocolTestServer } from '../esdb/esdb-protocol-test-server.js';
import { removeDataDir, startLedger, type RunningLedger } from '../support/ledger-app.js';
import { caughtUp, lastPosition } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';

const hex = (value: string) => Buffer.from(value, 'hex');

/** The evidence routes on EventStoreDB (protocol test double): positions with gaps, ranks without. */
describe('evidence on EventStoreDB (protocol test server)', () => {
  const server = new EsdbProtocolTestServer({ batchAppend: false });
  let ledger: RunningLedger;
  let last = 0;
  const path = subjectPath(newTenant(), newSubject());

  beforeAll(async () => {
    const { connectionString } = await server.start();
    server.writeSystemEvent('$settings', '$settings');
    ledger = await startLedger({ env: { EVENTSTORE_CONNECTION_STRING: connectionString } });
    await ledger.post(`${path}/consents`, consentBody({ occurredAt: '2026-01-01T00:00:00Z' }));
    for (let i = 0; i < 4; i++) last = lastPosition(await ledger.post(`${path}/transfers`, transferBody({ reference: `r${i}` })));
  });
  afterAll(async () => {
    await ledger.close();
    await server.stop();
    removeDataDir(ledger.dataDir);
  });

  it('signs a head whose root the auditor recomputes from the export, and proves inclusion and consistency', async () => {
    const head = (await ledger.get(`/v1/audit/tree-head?atLeast=${last}`)).body;
    const events = await ledger.auditEvents();
    const leaves = events.map((e) => leafHash(hex(e.metadata.hash)));
    expect(head.treeSize).toBe(5);
    expect(head.rootHash).toBe(rootHash(leaves).toString('hex'));
    const { signature, ...signed } = head;
    const key = createPublicKey((await ledger.get('/v1/audit/public-key')).text);
    expect(verify(null, Buffer.from(canonicalize(signed) ?? ''), key, Buffer.from(signature, 'base64'))).toBe(true);
    for (const [index, event] of events.entries()) {
      const proof = (await ledger.get(`/v1/audit/events/${event.id}/proof`)).body;
      expect(proof.leafIndex).toBe(index);
      expect(verifyInclusion(index, 5, leaves[index]!, proof.proof.map(hex), hex(head.rootHash))).toBe(true);
    }
    const consistency = (await ledger.get('/v1/audit/consistency?from=2&to=5')).body;
    expect(verifyConsistency(2, 5, rootHash(leaves.slice(0, 2)), hex(head.rootHash), consistency.proof.map(hex))).toBe(true);
  });

  it('answers ?asOf with proofs and exports the subject', async () => {
    const status = await ledger.get(`${path}?asOf=2026-06-01T00:00:00Z&atLeast=${last}`);
    expect(status.status).toBe(200);
    expect(status.body.proof.events).toHaveLength(1);
    expect(status.body.proof.pending).toEqual([]);
    const exported = await ledger.get(`${path}/export`);
    expect(exported.body.transfers).toHaveLength(4);
  });

  it('signs a consent receipt and, once every system confirmed, an erasure certificate', async () => {
    const subject = subjectPath(newTenant(), newSubject());
    const consent = await ledger.post(`${subject}/consents`, consentBody());
    const receipt = await ledger.get(`${subject}/consents/${consent.body.events[0].id}/receipt`);
    expect(receipt.status).toBe(200);
    const [header, payload, signature] = receipt.body.jws.split('.');
    const key = createPublicKey((await ledger.get('/v1/audit/public-key')).text);
    expect(verify(null, Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'))).toBe(true);
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))).toEqual(receipt.body.receipt);

    await ledger.post(`${subject}/consents/withdrawals`, {});
    expect((await ledger.get(`${subject}/erasure-certificate`)).status).toBe(409);
    let at = 0;
    for (const system of ['crm', 'call-recordings', 'analytics', 'backups']) {
      at = lastPosition(await ledger.post(`${subject}/deletion-completions`, { system }));
    }
    // On a busy machine the read models over the protocol test server can lag past the 2 s an `atLeast` read waits.
    await caughtUp(ledger, 30_000);
    const certificate = await ledger.get(`${subject}/erasure-certificate?atLeast=${at}`);
    expect(certificate.status).toBe(200);
    const { signature: certificateSignature, certificate: body, proofs } = certificate.body;
    expect(body.systems).toHaveLength(4);
    expect(
      verify(
        null,
        Buffer.from(canonicalize({ certificate: body, treeHead: proofs.treeHead }) ?? ''),
        key,
        Buffer.from(certificateSignature, 'base64'),
      ),
    ).toBe(true);
    for (const event of proofs.events) {
      expect(
        verifyInclusion(
          event.leafIndex,
          proofs.treeHead.treeSize,
          leafHash(hex(event.eventHash)),
          event.proof.map(hex),
          hex(proofs.treeHead.rootHash),
        ),
      ).toBe(true);
    }
  });
});
