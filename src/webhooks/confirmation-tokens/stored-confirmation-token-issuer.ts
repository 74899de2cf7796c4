import { Inject, Injectable } from '@nestjs/common';
import {
  CONFIRMATION_TOKEN_STORE,
  confirmationTokenDigest,
  newConfirmationToken,
  type ConfirmationTokenStore,
} from '../../confirmation-tokens/confirmation-token-store.port.js';
import { CLOCK, type Clock } from '../../platform/clock.js';
import type { ConfirmationTokenIssuer, ConfirmationTokenRequest } from './confirmation-token.port.js';

/** Issues tokens into the confirmation-token store: 32 random bytes, kept as their SHA-256. */
@Injectable()
export class StoredConfirmationTokenIssuer implements ConfirmationTokenIssuer {
  constructor(
    @Inject(CONFIRMATION_TOKEN_STORE) private readonly tokens: ConfirmationTokenStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async issue(request: ConfirmationTokenRequest): Promise<string> {
    const expires = Date.parse(request.expiresAt);
    // The caller is the ledger's own delivery worker: a bad time is a bug there, not input.
    if (Number.isNaN(expires)) throw new RangeError(`expiresAt is not a date-time: ${request.expiresAt}`);
    const token = newConfirmationToken();
    await this.tokens.save({
      tokenSha256: confirmationTokenDigest(token),
      tenantId: request.tenantId,
      subjectId: request.subjectId,
      deletionId: request.deletionId,
      system: request.system,
      issuedAt: this.clock.now().toISOString(),
      expiresAt: new Date(expires).toISOString(),
    });
    return token;
  }
}
