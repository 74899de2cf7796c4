import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { SentCommand } from '../support/crash-checks.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';
import { caughtUpCluster, startCluster, type Cluster } from './support/cluster.js';
import { checkClusterStores, expectSameAnswersAgain } from './support/cluster-checks.js';

/**
 * Fault: one `api` instance killed with SIGKILL in the middle of a burst spread over all three.
 * Every command it acknowledged must be in the log; a command whose connection died is retried
 * with its key on a surviving instance (as a client behind a load balancer would) and must end
 * up written exactly once.
 */
describe('an API instance killed in the middle of a burst', () => {
  let cluster: Cluster;
  const tenant = newTenant();

  beforeAll(async () => {
    cluster = await startCluster();
  }, 120_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it('keeps every command it acknowledged, and a retry elsewhere writes the others once', async () => {
    const victim = 0;
    const sent: (SentCommand & { instance: number })[] = [];
    let next = 0;
    const chains = Array.from({ length: 30 }, () => {
      const path = subjectPath(tenant, newSubject());
      return [
        { key: randomUUID(), path: `${path}/consents`, body: consentBody(), eventTypes: ['consent-given'] },
        { key: randomUUID(), path: `${path}/transfers`, body: transferBody({ legalBasis: 'contract' }), eventTypes: ['data-transferred'] },
        {
          key: randomUUID(),
          path: `${path}/transfers`,
          body: transferBody({ legalBasis: 'contract', reference: 'second' }),
          eventTypes: ['data-transferred'],
        },
      ];
    });
    let killed = false;
    const acknowledgedByVictim = () => sent.filter((c) => c.instance === victim && c.answer?.status === 201).length;
    await Promise.all([
      ...chains.map(async (chain) => {
        for (const command of chain) {
          const instance = next++ % cluster.apis.length;
          const record: SentCommand & { instance: number } = { ...command, instance };
          sent.push(record);
          try {
            record.answer = await cluster.post(command.path, command.body, { 'idempotency-key': command.key }, instance);
          } catch {
            return; // the connection died with the instance: the client retries below
          }
          if (!killed && acknowledgedByVictim() >= 10) {
            killed = true;
            await cluster.apis[victim]!.kill();
          }
        }
      }),
    ]);
    expect(killed).toBe(true);
    const lost = sent.filter((c) => c.answer === undefined);
    expect(sent.filter((c) => c.answer !== undefined && c.answer.status !== 201).map((c) => c.answer!.text)).toEqual([]);

    // The client retries what got no answer on the survivors, then sends the rest of each chain.
    const survivors = [1, 2];
    for (const [index, command] of lost.entries()) {
      const on = survivors[index % survivors.length]!;
      command.answer = await cluster.post(command.path, command.body, { 'idempotency-key': command.key }, on);
      command.instance = on;
      expect({ key: command.key, status: command.answer.status, text: command.answer.text }).toMatchObject({
        key: command.key,
        status: 201,
      });
    }
    const unsent = chains.flat().filter((command) => !sent.some((c) => c.key === command.key));
    for (const [index, command] of unsent.entries()) {
      const on = survivors[index % survivors.length]!;
      const answer = await cluster.post(command.path, command.body, { 'idempotency-key': command.key }, on);
      sent.push({ ...command, answer, instance: on });
      expect(answer.status).toBe(201);
    }
    console.log(`api instance killed: ${acknowledgedByVictim()} commands acknowledged by it, ${lost.length} lost connections retried`);

    await expectSameAnswersAgain(cluster, sent, (command) => survivors[(command.instance + 1) % survivors.length]!);
    await caughtUpCluster(cluster);
    await checkClusterStores(cluster, sent, (log) =>
      expect(log.filter((e) => e.streamId.includes(tenant))).toHaveLength(chains.flat().length),
    );
  }, 120_000);
});
