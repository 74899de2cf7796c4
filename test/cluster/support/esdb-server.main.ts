import { EsdbProtocolTestServer } from '../../esdb/esdb-protocol-test-server.js';

/**
 * The EventStoreDB protocol test server as a process of its own, for the cluster tier: the
 * ledgers and the test then share it the way instances share a real EventStoreDB, and a fault
 * can stop it without stopping the test. Run with `node --import test/support/ts-loader/register.mjs`.
 * Prints `listening on <connection string>` once it accepts calls; SIGTERM stops it. SIGUSR1
 * shuts the gRPC server down (calls fail UNAVAILABLE, as with a server that is gone) and
 * prints `stopped`; SIGUSR2 listens again on the same port with the same events.
 */
const server = new EsdbProtocolTestServer({ batchAppend: true });
const { connectionString } = await server.start();
process.stdout.write(`listening on ${connectionString}\n`);
// Paused, the process has no open handle left and would exit: this timer keeps it up.
const keepAlive = setInterval(() => {}, 60_000);
process.on('SIGUSR1', () => {
  server.stop().then(
    () => process.stdout.write('stopped\n'),
    (error: unknown) => process.stderr.write(`stop failed: ${String(error)}\n`),
  );
});
process.on('SIGUSR2', () => {
  server.start().then(
    ({ connectionString: again }) => process.stdout.write(`listening on ${again}\n`),
    (error: unknown) => process.stderr.write(`start failed: ${String(error)}\n`),
  );
});
process.once('SIGTERM', () => {
  clearInterval(keepAlive);
  void server.stop().then(() => process.exit(0));
});
