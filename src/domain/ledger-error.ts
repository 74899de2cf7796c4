/**
 * The one error vocabulary of the ledger. Codes are stable (api.md); the HTTP status is
 * chosen here once so that the exception filter only renders.
 */
export const ERROR_STATUS = {
  'validation-failed': 400,
  'malformed-json': 400,
  unauthorized: 401,
  'confirmation-token-unknown': 401,
  'confirmation-token-expired': 401,
  'confirmation-token-used': 401,
  forbidden: 403,
  'confirmation-token-out-of-scope': 403,
  'not-found': 404,
  'request-timeout': 408,
  'unsupported-media-type': 415,
  'consent-not-active': 409,
  'erasure-already-open': 409,
  'erasure-in-progress': 409,
  'no-open-erasure': 409,
  'erasure-not-completed': 409,
  'subject-erased': 409,
  'grievance-already-resolved': 409,
  'concurrent-modification': 409,
  'policy-version-exists': 409,
  'no-notification-owed': 409,
  'payload-too-large': 413,
  'unknown-system': 422,
  'idempotency-key-reused': 422,
  'unknown-policy-version': 422,
  'unsafe-url': 422,
  'rate-limited': 429,
  'headers-too-large': 431,
  'store-unavailable': 503,
  'read-model-lagging': 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export class LedgerError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly errors?: readonly FieldError[],
  ) {
    super(detail);
    this.name = 'LedgerError';
    this.status = ERROR_STATUS[code];
  }
}

/** The one answer for a subject a tenant never reported (or another tenant's subject). */
export const unknownSubject = (): LedgerError =>
  new LedgerError('not-found', 'The ledger holds no facts about this subject for this tenant.');

export const validationFailed = (errors: readonly FieldError[]): LedgerError =>
  new LedgerError('validation-failed', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
