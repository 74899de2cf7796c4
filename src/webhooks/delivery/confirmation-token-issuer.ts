/**
 * The seam for erasure fan-out: a `deletion-requested` delivery to a subscription bound to
 * erasure systems carries, per system, a confirmation token that lets that system confirm
 * that one deletion through the deletion-completions route without an API key. The tokens
 * (hashed, single-use, expiring) are another feature's; this port is how the payload gets one.
 */
export interface ConfirmationTokenRequest {
  readonly tenantId: string;
  readonly subjectId: string;
  readonly deletionId: string;
  readonly system: string;
  readonly expiresAt: string;
}

export interface ConfirmationTokenIssuer {
  issue(request: ConfirmationTokenRequest): Promise<string>;
}

export const CONFIRMATION_TOKEN_ISSUER = Symbol('ConfirmationTokenIssuer');

/** Until a token store is provided: no tokens, and the tasks go out without one. */
export class NoConfirmationTokens implements ConfirmationTokenIssuer {
  issue(): Promise<string> {
    return Promise.reject(new ConfirmationTokensUnavailable());
  }
}

export class ConfirmationTokensUnavailable extends Error {
  constructor() {
    super('no confirmation token issuer is configured');
    this.name = 'ConfirmationTokensUnavailable';
  }
}
