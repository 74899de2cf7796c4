import { Logger, Module, type Provider } from '@nestjs/common';
import { LEDGER_CONFIG, type LedgerConfig } from '../config/ledger-config.js';
import { StoresModule } from '../stores/stores.module.js';
import { loadSigningKey, SIGNING_KEY } from './signing-key.js';
import { TransparencyLog } from './transparency-log.js';

const signingKeyProvider: Provider = {
  provide: SIGNING_KEY,
  inject: [LEDGER_CONFIG],
  useFactory: (config: LedgerConfig) => {
    const key = loadSigningKey(config.signingKey, config.dataDir);
    const logger = new Logger('SigningKey');
    if (key.generated) logger.warn(`no LEDGER_SIGNING_KEY: generated an Ed25519 signing key into ${key.source}; keep it safe and back it up`);
    else logger.log(`signing tree heads with the key from ${key.source}`);
    return key;
  },
};

/** The signing key and the Merkle log, shared by the audit routes and the point-in-time proofs. */
@Module({
  imports: [StoresModule],
  providers: [signingKeyProvider, TransparencyLog],
  exports: [SIGNING_KEY, TransparencyLog],
})
export class EvidenceCoreModule {}
