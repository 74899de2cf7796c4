import { ConfigError, parseConfig } from './config/ledger-config.js';
import { startTracing } from './observability/tracing/start-tracing.js';
import { armCrashPoint } from './platform/crash-point.js';

const start = async (): Promise<void> => {
  const config = parseConfig(process.env);
  armCrashPoint(config.testCrashAt);
  // The SDK (only with an OTLP endpoint set) starts before Nest and Fastify are imported, so the
  // request instrumentation is in place when the app creates its Fastify instance.
  const tracing = await startTracing(config.tracing, true);
  const { Logger } = await import('@nestjs/common');
  const { createLedgerApp } = await import('./app.factory.js');
  const app = await createLedgerApp({ config });
  await app.listen(config.port, config.host);
  if (tracing) Logger.log(`traces exported over OTLP (${tracing.protocol}) to ${tracing.endpoint}`, 'Tracing');
  Logger.log(`privacy ledger listening on ${await app.getUrl()} (data in ${config.dataDir})`, 'Main');
};

start().catch((error: unknown) => {
  // A bad configuration value names its variable; anything else is printed whole.
  console.error(error instanceof ConfigError ? `configuration error: ${error.message}` : error);
  process.exit(1);
});
