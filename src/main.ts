import { Logger } from '@nestjs/common';
import { createLedgerApp } from './app.factory.js';
import { ConfigError, parseConfig, type LedgerConfig } from './config/ledger-config.js';

const start = async (): Promise<void> => {
  const config = parseConfig(process.env);
  assertSupported(config);
  const app = await createLedgerApp({ config });
  await app.listen(config.port, config.host);
  Logger.log(`privacy ledger listening on ${await app.getUrl()} (data in ${config.dataDir})`, 'Main');
};

/** Checked before Nest starts, so that the message is one line rather than a stack. */
const assertSupported = (config: LedgerConfig): void => {
  if (config.eventStoreConnectionString !== undefined) {
    throw new ConfigError('EVENTSTORE_CONNECTION_STRING', 'the EventStoreDB adapter is not available in this version');
  }
};

start().catch((error: unknown) => {
  // A bad configuration value names its variable; anything else is printed whole.
  console.error(error instanceof ConfigError ? `configuration error: ${error.message}` : error);
  process.exit(1);
});
