import { createHash, randomBytes } from 'node:crypto';

/**
 * Confirmation tokens: what lets an erasure system confirm its deletion through
 * `POST .../deletion-completions` without an API key. A token is scoped to one tenant,
 * subject, erasure (`deletionId`) and system, expires, and is used once. Only the SHA-256 of
 * a token is stored: 32 random bytes leave nothing to guess, so a plain hash is enough, and a
 * copy of the store gives no usable token.
 */
export interface ConfirmationTokenScope {
  readonly tenantId: string;
  readonly subjectId: string;
  readonly deletionId: string;
  readonly system: string;
}

export interface IssuedConfirmationToken extends ConfirmationTokenScope {
  /** Hex SHA-256 of the token (confirmationTokenDigest). */
  readonly tokenSha256: string;
  /** ISO-8601 UTC instants as `Date.toISOString` writes them, so that they compare as text. */
  readonly issuedAt: string;
  readonly expiresAt: string;
}

export interface ConfirmationTokenRecord extends IssuedConfirmationToken {
  /** When a confirmation with it succeeded; null while unused. */
  readonly consumedAt: string | null;
  /** The Idempotency-Key of that confirmation (its retry is answered again), or null. */
  readonly consumedWith: string | null;
}

export interface ConfirmationTokenStore {
  /** Stores a new token. */
  save(token: IssuedConfirmationToken): Promise<void>;
  find(tokenSha256: string): Promise<ConfirmationTokenRecord | null>;
  /**
   * Marks the token used, atomically, only if it is unused and not expired at `at`: true when
   * this call used it, false when it was used already (by a concurrent request too), has
   * expired, or is unknown.
   */
  consume(tokenSha256: string, at: string, consumedWith: string | null): Promise<boolean>;
  close(): Promise<void>;
}

export const CONFIRMATION_TOKEN_STORE = Symbol('ConfirmationTokenStore');

/** Tells a confirmation token from an API key in `Authorization: Bearer ...`. */
export const CONFIRMATION_TOKEN_PREFIX = 'ledger-ct_';

/** A fresh token: the prefix and 32 random bytes, base64url (an RFC 6750 bearer token). */
export const newConfirmationToken = (): string => `${CONFIRMATION_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;

export const confirmationTokenDigest = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');
