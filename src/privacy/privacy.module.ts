import { Logger, Module, type Provider } from '@nestjs/common';
import { LEDGER_CONFIG, type LedgerConfig } from '../config/ledger-config.js';
import { StoresModule } from '../stores/stores.module.js';
import { loadMasterKey, MASTER_KEY, type MasterKey } from './master-key.js';
import { PersonalData } from './personal-data.js';
import { PrivacyLifecycle } from './privacy-lifecycle.js';

const masterKeyProvider: Provider = {
  provide: MASTER_KEY,
  inject: [LEDGER_CONFIG],
  useFactory: (config: LedgerConfig): MasterKey => {
    const { generated, ...key } = loadMasterKey(config.masterKey, config.dataDir);
    const logger = new Logger('MasterKey');
    if (generated) {
      logger.warn(
        `no LEDGER_MASTER_KEY: generated a master key into ${key.source} (fingerprint ${key.id}); anyone holding it and the ` +
          'key store can read personal data, so set LEDGER_MASTER_KEY from a secret store outside development',
      );
    } else {
      logger.log(`wrapping data keys with the master key from ${key.source} (fingerprint ${key.id})`);
    }
    return key;
  },
};

/** Crypto-shredding of personal data, for the write path and every read that shows personal values. */
@Module({
  imports: [StoresModule],
  providers: [
    masterKeyProvider,
    PersonalData,
    PrivacyLifecycle,
  ],
  exports: [PersonalData, MASTER_KEY],
})
export class PrivacyModule {}
