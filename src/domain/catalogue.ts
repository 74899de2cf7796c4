/**
 * The catalogues of domain.md. Their ids are part of the public API: add, never rename.
 */
export const PURPOSES = [
  'account-registration',
  'service-access',
  'usage-analytics',
  'missed-call-notifications',
  'call-analytics',
  'actionable-insights',
  'crm-access',
  'browser-extension-calling',
  'policy-notifications',
  'product-improvement',
  'marketing-communications',
  'analytics-cookies',
  'advertising-cookies',
] as const;
export type PurposeId = (typeof PURPOSES)[number];

export const DATA_CATEGORIES = [
  'pii.name',
  'pii.postal-address',
  'pii.email-address',
  'pii.phone-number',
  'pii.call-records',
  'npii.ip-address',
  'npii.cookies',
  'npii.backend-logs',
  'npii.pages-viewed',
] as const;
export type DataCategory = (typeof DATA_CATEGORIES)[number];

/**
 * The policy says payment details are never held. A category that looks like one is
 * refused with its own message, so a caller learns why rather than "unknown category".
 */
export const PAYMENT_LIKE = /(payment|card|bank|iban|upi|cvv|account-number|wallet)/i;

export const RECIPIENT_KINDS = [
  'cloud-host',
  'development-partner',
  'processor',
  'regulator',
  'government',
  'acquirer',
  'other-third-party',
] as const;
export type RecipientKind = (typeof RECIPIENT_KINDS)[number];

export const LEGAL_BASES = ['consent', 'contract', 'legal-obligation', 'legitimate-use'] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

export const CHANNELS = ['web', 'mobile-app', 'api', 'browser-extension', 'email', 'sms', 'pop-up'] as const;
export type Channel = (typeof CHANNELS)[number];

export const SUBJECT_TYPES = ['authorised-user', 'end-user'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

/** Ids chosen by callers. No '@' in a subject id: it must be opaque, never an e-mail address. */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const SUBJECT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
export const SYSTEM_ID_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

/** What a grievance is about (domain.md rule 7). Public API: add, never rename. */
export const GRIEVANCE_CATEGORIES = ['consent', 'access', 'correction', 'erasure', 'transfer', 'security', 'marketing', 'other'] as const;
export type GrievanceCategory = (typeof GRIEVANCE_CATEGORIES)[number];

/** How a grievance reached the company (not the consent channels: a complaint also comes by phone or post). */
export const GRIEVANCE_CHANNELS = ['email', 'web', 'phone', 'post', 'in-person', 'api'] as const;
export type GrievanceChannel = (typeof GRIEVANCE_CHANNELS)[number];

export const GRIEVANCE_OUTCOMES = ['upheld', 'partially-upheld', 'rejected', 'withdrawn'] as const;
export type GrievanceOutcome = (typeof GRIEVANCE_OUTCOMES)[number];

/** Recipient ids are the caller's, as in a transfer's `recipient.id`. */
export const RECIPIENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/**
 * How a recipient was told of an erasure or a withdrawal (Art. 19): `webhook` is written by
 * the ledger's own delivery to the recipient's subscription, the others by the caller.
 */
export const NOTIFICATION_CHANNELS = ['email', 'letter', 'phone', 'api', 'webhook', 'portal', 'in-person'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];
