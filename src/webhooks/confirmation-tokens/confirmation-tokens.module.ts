import { Module } from '@nestjs/common';
import { StoresModule } from '../../stores/stores.module.js';
import { CONFIRMATION_TOKEN_ISSUER } from './confirmation-token.port.js';
import { StoredConfirmationTokenIssuer } from './stored-confirmation-token-issuer.js';

/** The confirmation-token issuer the webhook payload builder injects (CONFIRMATION_TOKEN_ISSUER). */
@Module({
  imports: [StoresModule],
  providers: [{ provide: CONFIRMATION_TOKEN_ISSUER, useClass: StoredConfirmationTokenIssuer }],
  exports: [CONFIRMATION_TOKEN_ISSUER],
})
export class ConfirmationTokensModule {}
