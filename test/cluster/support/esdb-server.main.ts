import { EsdbProtocolTestServer } from '../../esdb/esdb-protocol-test-server.js';

/**
 * The EventStoreDB protocol test server as a process of its own, for the cluster tier: the
 * ledgers and the test then share it the way instances share a real EventStoreDB, and a fault
 * can stop it without stopping the test. Run with `node --import test/support/ts-loader/register.mjs`.
 * Prints `listening on <connection string>` once it accepts calls; SIGTERM stops it.
 */
const server = new EsdbProtocolTestServer({ batchAppend: true });
const { connectionString } = await server.start();
process.stdout.write(`listening on ${connectionString}\n`);
process.once('SIGTERM', () => {
  void server.stop().then(() => process.exit(0));
});
