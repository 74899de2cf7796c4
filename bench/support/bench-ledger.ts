import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ERASURE_SYSTEMS } from './command-mix.js';
import { freePort, startServer, type ServerProcess } from './server-process.js';

export const LEDGER_SCRIPT = 'dist/main.js';

export interface BenchLedger {
  readonly server: ServerProcess;
  readonly dataDir: string;
  /** Headers every command carries: JSON and the calling service's key. */
  readonly headers: Record<string, string>;
  readonly logLevel: string;
}

/**
 * The real built ledger (`node dist/main.js`) on a fresh data directory with embedded
 * stores (SQLite, events committed with synchronous=FULL), one calling-service key, no rate
 * limit, a master key, and the erasure systems the command mix confirms. Server variables
 * of the caller's environment (MONGODB_URL, EVENTSTORE_CONNECTION_STRING) are blanked: this
 * benchmark measures the embedded stores.
 */
export const startBenchLedger = async (): Promise<BenchLedger> => {
  if (!existsSync(LEDGER_SCRIPT)) throw new Error(`${LEDGER_SCRIPT} is missing: run \`npm run build\` first`);
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-bench-commands-'));
  const apiKey = `bench-${randomUUID()}`;
  const port = await freePort();
  // The ledger's default level unless told otherwise: operators run it with request logs on.
  const logLevel = process.env['BENCH_LOG_LEVEL'] ?? 'info';
  const server = await startServer(
    LEDGER_SCRIPT,
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      LEDGER_DATA_DIR: dataDir,
      LEDGER_API_KEYS: JSON.stringify([{ name: 'bench-service', role: 'service', tenants: ['*'], key: apiKey }]),
      LEDGER_RATE_LIMIT: '0',
      LEDGER_MASTER_KEY: randomBytes(32).toString('base64'),
      LEDGER_ERASURE_SYSTEMS: ERASURE_SYSTEMS.join(','),
      LEDGER_LOG_LEVEL: logLevel,
      MONGODB_URL: '',
      EVENTSTORE_CONNECTION_STRING: '',
    },
    '/health/live',
    port,
  );
  return { server, dataDir, headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` }, logLevel };
};
