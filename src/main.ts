import { Logger } from '@nestjs/common';
import { createLedgerApp } from './app.factory.js';
import { ConfigError, parseConfig } from './config/ledger-config.js';
import { armCrashPoint } from './platform/crash-point.js';

const start = async (): Promise<void> => {
  const config = parseConfig(process.env);
  armCrashPoint(config.testCrashAt);
  const app = await createLedgerApp({ config });
  await app.listen(config.port, config.host);
  Logger.log(`privacy ledger listening on ${await app.getUrl()} (data in ${config.dataDir})`, 'Main');
};

start().catch((error: unknown) => {
  // A bad configuration value names its variable; anything else is printed whole.
  console.error(error instanceof ConfigError ? `configuration error: ${error.message}` : error);
  process.exit(1);
});
