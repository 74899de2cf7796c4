import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { aSubjectStream } from '../../test/support/stored-events.js';
import { PURPOSES } from '../domain/catalogue.js';
import { buildConsentReceipt, PURPOSE_CATEGORY, PURPOSE_PII, signCompactJws, verifyCompactJws } from './consent-receipt.js';

describe('buildConsentReceipt', () => {
  it('renders a consent-given event with the Kantara v1.1 fields', () => {
    const s = aSubjectStream();
    const consent = s.consentGiven(
      { purposes: ['crm-access', 'marketing-communications'], policyVersion: '2024-06', channel: 'mobile-app' },
      { occurredAt: '2026-01-01T10:00:00.500Z' },
    );
    const receipt = buildConsentReceipt(s.tenantId, s.subjectId, [consent], consent.id, 'PEM');
    expect(receipt).toEqual({
      version: 'KI-CR-v1.1.0',
      jurisdiction: 'IN',
      consentTimestamp: Date.UTC(2026, 0, 1, 10) / 1000,
      collectionMethod: 'mobile-app',
      consentReceiptID: consent.id,
      publicKey: 'PEM',
      language: 'en',
      piiPrincipalId: s.subjectId,
      piiControllers: [{ piiController: s.tenantId }],
      policyUrl: '2024-06',
      services: [
        {
          service: 'privacy-ledger',
          purposes: [
            {
              purpose: 'crm-access',
              purposeCategory: ['Contracted Service'],
              consentType: 'EXPLICIT',
              piiCategory: ['pii.call-records', 'pii.name', 'pii.phone-number'],
              primaryPurpose: true,
              termination: 'consent withdrawal',
              thirdPartyDisclosure: false,
            },
            {
              purpose: 'marketing-communications',
              purposeCategory: ['Marketing'],
              consentType: 'EXPLICIT',
              piiCategory: ['pii.email-address', 'pii.name'],
              primaryPurpose: false,
              termination: 'consent withdrawal',
              thirdPartyDisclosure: false,
            },
          ],
        },
      ],
      sensitive: false,
      spiCat: [],
    });
    expect(buildConsentReceipt(s.tenantId, s.subjectId, [consent], consent.id)).not.toHaveProperty('publicKey');
  });

  it('discloses third parties for a purpose with a transfer anywhere in the stream, and adds their categories', () => {
    const s = aSubjectStream();
    const consent = s.consentGiven({ purposes: ['crm-access', 'usage-analytics'] });
    const t1 = s.dataTransferred({
      purpose: 'crm-access',
      recipient: { id: 'zoho', name: 'Zoho', kind: 'processor' },
      dataCategories: ['pii.email-address'],
    });
    const t2 = s.dataTransferred({ purpose: 'crm-access', recipient: { id: 'aws', name: 'AWS', kind: 'cloud-host' } });
    const t3 = s.dataTransferred({ purpose: 'crm-access', recipient: { id: 'zoho', name: 'Zoho', kind: 'processor' } });
    const purposes = buildConsentReceipt(s.tenantId, s.subjectId, [consent, t1, t2, t3], consent.id)?.services[0]?.purposes;
    expect(purposes?.[0]).toMatchObject({ purpose: 'crm-access', thirdPartyDisclosure: true, thirdPartyName: 'Zoho, AWS' });
    expect(purposes?.[0]?.piiCategory).toContain('pii.email-address');
    expect(purposes?.[1]).toMatchObject({ purpose: 'usage-analytics', thirdPartyDisclosure: false });
    expect(purposes?.[1]).not.toHaveProperty('thirdPartyName');
  });

  it('is null for an unknown id or an event that is not a consent-given', () => {
    const s = aSubjectStream();
    const consent = s.consentGiven();
    const withdrawal = s.consentWithdrawn();
    expect(buildConsentReceipt(s.tenantId, s.subjectId, [consent, withdrawal], withdrawal.id)).toBeNull();
    expect(buildConsentReceipt(s.tenantId, s.subjectId, [consent, withdrawal], '0193b6a5-0000-7000-8000-000000000000')).toBeNull();
  });

  it('maps every purpose of the catalogue to a category and PII categories', () => {
    for (const purpose of PURPOSES) {
      expect(PURPOSE_CATEGORY[purpose]).toEqual(expect.any(String));
      expect(PURPOSE_PII[purpose].length).toBeGreaterThan(0);
    }
  });
});

describe('compact EdDSA JWS', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');

  it('signs and verifies a payload, with the RFC 8037 header', () => {
    const jws = signCompactJws(privateKey, { a: 1, b: 'ü' });
    const [header] = jws.split('.');
    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toEqual({ alg: 'EdDSA', typ: 'JWT' });
    expect(jws).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyCompactJws(publicKey, jws)).toEqual({ a: 1, b: 'ü' });
  });

  it('refuses a tampered payload, a foreign key or a malformed token', () => {
    const jws = signCompactJws(privateKey, { a: 1 });
    const [h, , sig] = jws.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ a: 2 })).toString('base64url')}.${sig}`;
    expect(verifyCompactJws(publicKey, tampered)).toBeNull();
    expect(verifyCompactJws(generateKeyPairSync('ed25519').publicKey, jws)).toBeNull();
    expect(verifyCompactJws(publicKey, 'a.b')).toBeNull();
  });
});
