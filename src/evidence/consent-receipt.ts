import { sign, verify, type KeyObject } from 'node:crypto';
import type { PurposeId } from '../domain/catalogue.js';
import type { StoredEvent } from '../event-store/event-store.port.js';
import { asSubjectEvent } from '../projections/subject-event.js';

/**
 * Kantara Consent Receipt v1.1 purpose categories (Appendix A of the specification) of each
 * purpose of the catalogue, and the PII categories the purpose processes by the policy:
 *
 * - Core Function: what the service cannot run without (account-registration, service-access).
 * - Contracted Service: the features the customer pays for (call-analytics, crm-access,
 *   browser-extension-calling, missed-call-notifications).
 * - Personalized Experience: actionable-insights (recommendations drawn from the subject's calls).
 * - Contact Me: policy-notifications (we write to the subject about the policy).
 * - Improve Performance: usage-analytics, product-improvement, analytics-cookies.
 * - Marketing: marketing-communications.
 * - Marketing Third Parties: advertising-cookies (read by advertising networks).
 *
 * `primaryPurpose` is true for Core Function and Contracted Service purposes: the reasons the
 * subject uses the service; every other purpose is secondary. The PII categories of a purpose
 * are the ones below plus any category the ledger saw transferred for that purpose.
 */
export const PURPOSE_CATEGORY: Readonly<Record<PurposeId, string>> = {
  'account-registration': 'Core Function',
  'service-access': 'Core Function',
  'usage-analytics': 'Improve Performance',
  'missed-call-notifications': 'Contracted Service',
  'call-analytics': 'Contracted Service',
  'actionable-insights': 'Personalized Experience',
  'crm-access': 'Contracted Service',
  'browser-extension-calling': 'Contracted Service',
  'policy-notifications': 'Contact Me',
  'product-improvement': 'Improve Performance',
  'marketing-communications': 'Marketing',
  'analytics-cookies': 'Improve Performance',
  'advertising-cookies': 'Marketing Third Parties',
};

const PRIMARY_CATEGORIES = new Set(['Core Function', 'Contracted Service']);

export const PURPOSE_PII: Readonly<Record<PurposeId, readonly string[]>> = {
  'account-registration': ['pii.name', 'pii.email-address', 'pii.phone-number', 'pii.postal-address'],
  'service-access': ['pii.email-address', 'npii.ip-address', 'npii.backend-logs'],
  'usage-analytics': ['npii.pages-viewed', 'npii.backend-logs'],
  'missed-call-notifications': ['pii.phone-number', 'pii.call-records'],
  'call-analytics': ['pii.phone-number', 'pii.call-records'],
  'actionable-insights': ['pii.call-records'],
  'crm-access': ['pii.name', 'pii.phone-number', 'pii.call-records'],
  'browser-extension-calling': ['pii.phone-number', 'pii.call-records'],
  'policy-notifications': ['pii.email-address'],
  'product-improvement': ['npii.backend-logs', 'npii.pages-viewed'],
  'marketing-communications': ['pii.name', 'pii.email-address'],
  'analytics-cookies': ['npii.cookies', 'npii.pages-viewed'],
  'advertising-cookies': ['npii.cookies', 'npii.ip-address'],
};

export const RECEIPT_VERSION = 'KI-CR-v1.1.0';
/** The policy is governed by Indian law; configurable later. */
export const RECEIPT_JURISDICTION = 'IN';
export const RECEIPT_SERVICE = 'privacy-ledger';

export interface ReceiptPurpose {
  readonly purpose: string;
  readonly purposeCategory: readonly string[];
  readonly consentType: 'EXPLICIT';
  readonly piiCategory: readonly string[];
  readonly primaryPurpose: boolean;
  readonly termination: string;
  readonly thirdPartyDisclosure: boolean;
  readonly thirdPartyName?: string;
}

export interface ConsentReceipt {
  readonly version: string;
  readonly jurisdiction: string;
  readonly consentTimestamp: number;
  readonly collectionMethod: string;
  readonly consentReceiptID: string;
  readonly publicKey?: string;
  readonly language: string;
  readonly piiPrincipalId: string;
  readonly piiControllers: readonly { piiController: string; contact?: string }[];
  readonly policyUrl: string;
  readonly services: readonly { service: string; purposes: readonly ReceiptPurpose[] }[];
  readonly sensitive: boolean;
  readonly spiCat: readonly string[];
}

/**
 * One consent-given event of the subject's stream as a Kantara v1.1 consent receipt, or null
 * when `eventId` is not a consent-given event of this stream. Third-party disclosure of a
 * purpose: any transfer for that purpose anywhere in the stream (up to now).
 */
export const buildConsentReceipt = (
  tenantId: string,
  subjectId: string,
  events: readonly StoredEvent[],
  eventId: string,
  publicKeyPem?: string,
): ConsentReceipt | null => {
  const consent = events.map(asSubjectEvent).find((e) => e?.id === eventId);
  if (!consent || consent.type !== 'consent-given') return null;
  const transfers = events.map(asSubjectEvent).flatMap((e) => (e?.type === 'data-transferred' ? [e.data] : []));
  const purposes = consent.data.purposes.map((purpose): ReceiptPurpose => {
    const category = PURPOSE_CATEGORY[purpose];
    const disclosed = transfers.filter((t) => t.purpose === purpose);
    const names = [...new Set(disclosed.map((t) => t.recipient.name))];
    return {
      purpose,
      purposeCategory: [category],
      consentType: 'EXPLICIT',
      piiCategory: [...new Set([...PURPOSE_PII[purpose], ...disclosed.flatMap((t) => t.dataCategories)])].sort(),
      primaryPurpose: PRIMARY_CATEGORIES.has(category),
      termination: 'consent withdrawal',
      thirdPartyDisclosure: disclosed.length > 0,
      ...(names.length > 0 && { thirdPartyName: names.join(', ') }),
    };
  });
  return {
    version: RECEIPT_VERSION,
    jurisdiction: RECEIPT_JURISDICTION,
    consentTimestamp: Math.floor(Date.parse(consent.occurredAt) / 1000),
    collectionMethod: consent.data.channel,
    consentReceiptID: consent.id,
    ...(publicKeyPem !== undefined && { publicKey: publicKeyPem }),
    language: 'en',
    piiPrincipalId: subjectId,
    piiControllers: [{ piiController: tenantId }],
    policyUrl: consent.data.policyVersion,
    services: [{ service: RECEIPT_SERVICE, purposes }],
    sensitive: false,
    spiCat: [],
  };
};

const JWS_HEADER = { alg: 'EdDSA', typ: 'JWT' } as const;
const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** Compact JWS (RFC 7515) with an Ed25519 signature (RFC 8037) over the JSON of `payload`. */
export const signCompactJws = (privateKey: KeyObject, payload: unknown): string => {
  const input = `${b64url(JSON.stringify(JWS_HEADER))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`;
};

/** The payload of a compact EdDSA JWS if its signature checks against `publicKey`, else null. */
export const verifyCompactJws = (publicKey: KeyObject, jws: string): unknown => {
  const [header, payload, signature, ...rest] = jws.split('.');
  if (header === undefined || payload === undefined || signature === undefined || rest.length > 0) return null;
  try {
    const parsedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown };
    if (parsedHeader.alg !== 'EdDSA') return null;
    if (!verify(null, Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'))) return null;
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
};
