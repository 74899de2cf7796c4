import { Logger } from '@nestjs/common';
import { createLedgerApp } from './app.factory.js';
import { ConfigError, parseConfig } from './config/ledger-config.js';
import { assertSupportedStores } from './stores/open-stores.js';

const start = async (): Promise<void> => {
  const config = parseConfig(process.env);
  // Checked before Nest starts, so that the message is one line rather than a stack.
  assertSupportedStores(config);
  const app = await createLedgerApp({ config });
  await app.listen(config.port, config.host);
  Logger.log(`privacy ledger listening on ${await app.getUrl()} (data in ${config.dataDir})`, 'Main');
};

start().catch((error: unknown) => {
  // A bad configuration value names its variable; anything else is printed whole.
  console.error(error instanceof ConfigError ? `configuration error: ${error.message}` : error);
  process.exit(1);
});
