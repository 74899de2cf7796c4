import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { consentAndTransferCommands, type SentCommand } from '../support/crash-checks.js';
import { newTenant } from '../support/requests.js';
import { caughtUpCluster, startCluster, type Cluster } from './support/cluster.js';
import { checkClusterStores, expectSameAnswersAgain } from './support/cluster-checks.js';

/**
 * Fault: the EventStoreDB server stops answering (its gRPC server shut down, its events kept)
 * and comes back. While it is away every instance answers commands 503 and writes nothing half;
 * once it is back the same requests succeed without restarting any ledger, and the projectors'
 * subscriptions resume.
 */
describe('the EventStoreDB server refusing calls under the cluster', () => {
  let cluster: Cluster;
  const tenant = newTenant();

  beforeAll(async () => {
    cluster = await startCluster();
  }, 120_000);
  afterAll(async () => {
    await cluster?.close();
  });

  const sendRoundRobin = async (commands: readonly SentCommand[]) => {
    for (const command of commands) command.answer = await cluster.post(command.path, command.body, { 'idempotency-key': command.key });
  };

  it('answers commands 503 on every instance while it is away, then recovers, with nothing half-written or doubled', async () => {
    const before = consentAndTransferCommands(tenant, 3);
    await sendRoundRobin(before);
    expect(before.map((c) => c.answer?.status)).toEqual(before.map(() => 201));
    await caughtUpCluster(cluster);

    await cluster.pauseEventStore();
    const during = consentAndTransferCommands(tenant, 2);
    await sendRoundRobin(during);
    expect(during.map((c) => [c.answer?.status, c.answer?.body?.code])).toEqual(during.map(() => [503, 'store-unavailable']));

    const downFor = Date.now();
    await cluster.resumeEventStore();
    // The same requests, retried until the instances reach the server again, then new ones.
    const retried: SentCommand[] = during.map((c) => ({ ...c, answer: undefined }));
    for (const command of retried) {
      for (const deadline = Date.now() + 20_000; ; await new Promise((r) => setTimeout(r, 200))) {
        command.answer = await cluster.post(command.path, command.body, { 'idempotency-key': command.key });
        if (command.answer.status !== 503 || Date.now() > deadline) break;
      }
    }
    const recovered = Date.now() - downFor;
    const after = consentAndTransferCommands(tenant, 2);
    await sendRoundRobin(after);
    expect([...retried, ...after].map((c) => c.answer?.status)).toEqual([...retried, ...after].map(() => 201));
    await caughtUpCluster(cluster);
    console.log(`EventStoreDB back: commands succeed again ${recovered} ms after it listened again`);

    const acknowledged = [...before, ...retried, ...after];
    await expectSameAnswersAgain(cluster, acknowledged, (_, index) => index % cluster.apis.length);
    await checkClusterStores(cluster, acknowledged, (log) =>
      expect(log.filter((e) => e.streamId.includes(tenant))).toHaveLength(acknowledged.length),
    );
  }, 120_000);
});
