import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPublicKey, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import { leafHash, verifyInclusion } from '../../src/evidence/merkle.js';
import { removeDataDir, startLedger, type RunningLedger } from '../support/ledger-app.js';
import { eventIds, lastPosition } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';
import { TestClock } from '../support/test-clock.js';

const hex = (value: string) => Buffer.from(value, 'hex');

describe('erasure certificates and consent receipts', () => {
  let ledger: RunningLedger;
  const clock = new TestClock('2026-03-01T00:00:00.000Z');
  const publicKey = async () => createPublicKey((await ledger.get('/v1/audit/public-key')).text);

  beforeAll(async () => {
    ledger = await startLedger({ clock, env: { LEDGER_ERASURE_SYSTEMS: 'crm,backups', LEDGER_ERASURE_DAYS: '30' } });
  });
  afterAll(async () => {
    await ledger.close();
    removeDataDir(ledger.dataDir);
  });

  describe('GET .../erasure-certificate', () => {
    it('is 404 for an unknown subject and for one that never had an erasure, 409 while open, signed and proven once complete', async () => {
      const path = subjectPath(newTenant(), newSubject());
      expect((await ledger.get(`${path}/erasure-certificate`)).status).toBe(404);
      await ledger.post(`${path}/consents`, consentBody({ occurredAt: '2026-01-01T10:00:00Z' }));
      const none = await ledger.get(`${path}/erasure-certificate`);
      expect(none.status).toBe(404);
      expect(none.body.code ?? none.text).toContain('not-found');

      const requested = await ledger.post(`${path}/deletion-requests`, { occurredAt: '2026-02-01T00:00:00Z' });
      expect(requested.status).toBe(201);
      const crm = await ledger.post(`${path}/deletion-completions`, {
        system: 'crm',
        evidence: 'ticket OPS-7',
        occurredAt: '2026-02-02T00:00:00Z',
      });
      const open = await ledger.get(`${path}/erasure-certificate`);
      expect(open.status).toBe(409);
      expect(open.text).toContain('erasure-not-completed');

      const backups = await ledger.post(`${path}/deletion-completions`, { system: 'backups', occurredAt: '2026-02-10T00:00:00Z' });
      const answer = await ledger.get(`${path}/erasure-certificate?atLeast=${lastPosition(backups)}`);
      expect(answer.status).toBe(200);
      const { certificate, proofs, signature } = answer.body;
      // The last confirmation also wrote subject-data-shredded; the certificate lists the erasure's own events.
      const [backupsCompleted, shredded] = eventIds(backups);
      expect(backups.body.events.map((e: { type: string }) => e.type)).toEqual(['deletion-completed', 'subject-data-shredded']);
      expect(shredded).toEqual(expect.any(String));
      const expectedIds = [...eventIds(requested), ...eventIds(crm), backupsCompleted];
      expect(certificate).toMatchObject({
        subjectId: path.split('/').at(-1),
        trigger: 'subject-request',
        requestedAt: '2026-02-01T00:00:00.000Z',
        dueAt: '2026-03-03T00:00:00.000Z',
        completedAt: '2026-02-10T00:00:00.000Z',
        completedOnTime: true,
        issuedAt: '2026-03-01T00:00:00.000Z',
        systems: [
          // A system's evidence is personal (free text): shredded with the rest once the erasure completed.
          { system: 'crm', completedAt: '2026-02-02T00:00:00.000Z', evidence: '[erased]', eventId: eventIds(crm)[0] },
          { system: 'backups', completedAt: '2026-02-10T00:00:00.000Z', evidence: null, eventId: backupsCompleted },
        ],
        eventIds: expectedIds,
      });

      const key = await publicKey();
      const sig = Buffer.from(signature, 'base64');
      expect(verify(null, Buffer.from(canonicalize({ certificate, treeHead: proofs.treeHead }) ?? ''), key, sig)).toBe(true);
      expect(
        verify(
          null,
          Buffer.from(canonicalize({ certificate: { ...certificate, completedOnTime: false }, treeHead: proofs.treeHead }) ?? ''),
          key,
          sig,
        ),
      ).toBe(false);
      const { signature: headSignature, ...head } = proofs.treeHead;
      expect(verify(null, Buffer.from(canonicalize(head) ?? ''), key, Buffer.from(headSignature, 'base64'))).toBe(true);

      expect(proofs.pending).toEqual([]);
      expect(proofs.events.map((e: { eventId: string }) => e.eventId).sort()).toEqual([...expectedIds].sort());
      const exported = new Map((await ledger.auditEvents()).map((e) => [e.id, e]));
      for (const event of proofs.events) {
        expect(event.eventHash).toBe(exported.get(event.eventId).metadata.hash);
        expect(
          verifyInclusion(event.leafIndex, head.treeSize, leafHash(hex(event.eventHash)), event.proof.map(hex), hex(head.rootHash)),
        ).toBe(true);
      }
    });
  });

  describe('GET .../consents/{eventId}/receipt', () => {
    const tenant = newTenant();
    const subjectId = newSubject();
    const path = subjectPath(tenant, subjectId);
    let consentId = '';
    let withdrawalId = '';

    beforeAll(async () => {
      const consent = await ledger.post(`${path}/consents`, consentBody({ occurredAt: '2026-01-01T10:00:00Z' }));
      consentId = eventIds(consent)[0] ?? '';
      await ledger.post(`${path}/transfers`, transferBody({ purpose: 'crm-access' }));
      const withdrawal = await ledger.post(`${path}/consents/withdrawals`, { purposes: ['usage-analytics'] });
      withdrawalId = eventIds(withdrawal)[0] ?? '';
    });

    it('renders the consent as a Kantara v1.1 receipt in a compact JWS that verifies with the ledger key', async () => {
      const answer = await ledger.get(`${path}/consents/${consentId}/receipt`);
      expect(answer.status).toBe(200);
      const { receipt, jws } = answer.body;
      expect(receipt).toMatchObject({
        version: 'KI-CR-v1.1.0',
        jurisdiction: 'IN',
        consentTimestamp: Date.UTC(2026, 0, 1, 10) / 1000,
        collectionMethod: 'web',
        consentReceiptID: consentId,
        language: 'en',
        piiPrincipalId: subjectId,
        piiControllers: [{ piiController: tenant }],
        policyUrl: '2024-06',
        sensitive: false,
        spiCat: [],
      });
      expect(receipt.publicKey).toBe((await ledger.get('/v1/audit/public-key')).text);
      const [service] = receipt.services;
      expect(service.service).toBe('privacy-ledger');
      expect(service.purposes).toEqual([
        expect.objectContaining({
          purpose: 'crm-access',
          consentType: 'EXPLICIT',
          termination: 'consent withdrawal',
          thirdPartyDisclosure: true,
          thirdPartyName: 'Amazon Web Services',
          primaryPurpose: true,
        }),
        expect.objectContaining({ purpose: 'usage-analytics', thirdPartyDisclosure: false, primaryPurpose: false }),
      ]);

      const [header, payload, signature] = jws.split('.');
      expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'EdDSA', typ: 'JWT' });
      expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toEqual(receipt);
      const key = await publicKey();
      expect(verify(null, Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'))).toBe(true);

      const tampered = Buffer.from(JSON.stringify({ ...receipt, piiPrincipalId: 'someone-else' })).toString('base64url');
      expect(verify(null, Buffer.from(`${header}.${tampered}`), key, Buffer.from(signature, 'base64url'))).toBe(false);
    });

    it('is 404 for a withdrawal, an unknown event or another subject, and 400 for a malformed id', async () => {
      expect((await ledger.get(`${path}/consents/${withdrawalId}/receipt`)).status).toBe(404);
      expect((await ledger.get(`${path}/consents/0193b6a5-0000-7000-8000-000000000000/receipt`)).status).toBe(404);
      expect((await ledger.get(`${subjectPath(tenant, newSubject())}/consents/${consentId}/receipt`)).status).toBe(404);
      expect((await ledger.get(`${subjectPath(newTenant(), subjectId)}/consents/${consentId}/receipt`)).status).toBe(404);
      const bad = await ledger.get(`${path}/consents/not-a-uuid/receipt`);
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('eventId');
    });
  });
});
