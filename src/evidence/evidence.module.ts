import { Logger, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { LEDGER_CONFIG, type LedgerConfig } from '../config/ledger-config.js';
import { PrivacyModule } from '../privacy/privacy.module.js';
import { StoresModule } from '../stores/stores.module.js';
import { ConsentReceiptController } from './consent-receipt.controller.js';
import { ErasureCertificateController } from './erasure-certificate.controller.js';
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

/**
 * The signing key and the Merkle log (exported: the audit routes and the point-in-time
 * status prove events with them), and the receipts and certificates a subject can ask for.
 */
@Module({})
export class EvidenceModule {
  /** `projections`: the app's ProjectionsModule (the certificate waits for its read model). */
  static register(projections: DynamicModule): DynamicModule {
    return {
      module: EvidenceModule,
      imports: [StoresModule, PrivacyModule, projections],
      controllers: [ErasureCertificateController, ConsentReceiptController],
      providers: [signingKeyProvider, TransparencyLog],
      exports: [SIGNING_KEY, TransparencyLog],
    };
  }
}
