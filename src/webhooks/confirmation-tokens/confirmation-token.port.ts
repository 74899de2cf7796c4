/** What one erasure task's confirmation token is for, and until when. */
export interface ConfirmationTokenRequest {
  readonly tenantId: string;
  readonly subjectId: string;
  readonly deletionId: string;
  /** The erasure system the task goes to: the token confirms for it alone. */
  readonly system: string;
  /** When the token stops working (ISO-8601), e.g. the erasure's `dueAt` plus a grace period. */
  readonly expiresAt: string;
}

/**
 * Issues the confirmation token an erasure task carries (`tasks[].confirmationToken` of a
 * `deletion-requested` delivery): the system confirms with it through
 * `POST .../deletion-completions` without an API key. The token is returned once and stored
 * only as a hash.
 */
export interface ConfirmationTokenIssuer {
  issue(request: ConfirmationTokenRequest): Promise<string>;
}

export const CONFIRMATION_TOKEN_ISSUER = Symbol('ConfirmationTokenIssuer');
