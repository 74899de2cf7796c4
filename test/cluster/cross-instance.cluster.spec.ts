import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { SentCommand } from '../support/crash-checks.js';
import { lastPosition } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';
import { caughtUpCluster, startCluster, type Cluster } from './support/cluster.js';
import { checkClusterStores, expectSameAnswersAgain } from './support/cluster-checks.js';

/** The instances' `ledger_append_conflicts_total`, summed: appends refused on a stale expected revision. */
const appendConflicts = async (cluster: Cluster): Promise<number> => {
  let total = 0;
  for (const api of cluster.apis) {
    const metrics = await api.get('/metrics');
    total += Number(/^ledger_append_conflicts_total (\d+)/m.exec(metrics.text)?.[1] ?? Number.NaN);
  }
  return total;
};

/**
 * Three `api` ledgers and two `projector` ledgers on one EventStoreDB and one MongoDB
 * (test/cluster/support/cluster.ts), the client spreading commands across the instances.
 * Every command sent is kept; the last test checks them all against the log, the hash chain and
 * a rebuild, so the tests run in file order (Jest's default) and share the cluster.
 */
describe('a cluster of three API instances and two projectors', () => {
  let cluster: Cluster;
  const sent: (SentCommand & { instance?: number })[] = [];
  const tenant = newTenant();

  beforeAll(async () => {
    cluster = await startCluster();
  }, 120_000);
  afterAll(async () => {
    await cluster?.close();
  });

  const send = async (command: SentCommand, on?: number) => {
    const answer = await cluster.post(command.path, command.body, { 'idempotency-key': command.key }, on);
    const record = { ...command, answer, instance: answer.instance };
    sent.push(record);
    return record;
  };

  describe('when the instances take commands on the same subjects at the same moment', () => {
    it('answers each 201 or 409 concurrent-modification, never 5xx, and logs exactly the 2xx ones', async () => {
      const paths = Array.from({ length: 4 }, () => subjectPath(tenant, newSubject()));
      // Each subject first exists on every instance's cache, so the racing appends carry stale
      // expected revisions on all but the first.
      for (const path of paths)
        for (let on = 0; on < cluster.apis.length; on++)
          await send(
            { key: randomUUID(), path: `${path}/consents`, body: consentBody({ policyVersion: `v${on}` }), eventTypes: ['consent-given'] },
            on,
          );
      const racing = paths.flatMap((path) =>
        Array.from({ length: 6 }, (_, i) => ({
          command: {
            key: randomUUID(),
            path: `${path}/transfers`,
            body: transferBody({ legalBasis: 'contract', reference: `race-${i}` }),
            eventTypes: ['data-transferred'],
          },
          on: i % cluster.apis.length,
        })),
      );
      const conflictsBefore = await appendConflicts(cluster);
      const answers = await Promise.all(racing.map(({ command, on }) => send(command, on)));
      // The racing processes did conflict on expected revisions (each conflict is decided again).
      const conflicts = (await appendConflicts(cluster)) - conflictsBefore;
      console.log(`cross-instance race: ${conflicts} conflicts for ${racing.length} commands`);
      const outcomes = answers.map((a) => (a.answer.status === 201 ? '201' : `${a.answer.status} ${a.answer.body?.code}`));
      expect(outcomes.filter((o) => o !== '201' && o !== '409 concurrent-modification')).toEqual([]);
      expect(outcomes.filter((o) => o === '201').length).toBeGreaterThan(0);
      expect(conflicts).toBeGreaterThan(0);
    });
  });

  describe('when a client retries on another instance than the first try', () => {
    it('gets the first answer from every instance, and 422 idempotency-key-reused for another body on any of them', async () => {
      const path = subjectPath(tenant, newSubject());
      const first = await send({ key: randomUUID(), path: `${path}/consents`, body: consentBody(), eventTypes: ['consent-given'] }, 0);
      expect(first.answer.status).toBe(201);
      for (let on = 0; on < cluster.apis.length; on++) {
        const retry = await cluster.post(first.path, first.body, { 'idempotency-key': first.key }, on);
        expect({ on, status: retry.status, body: retry.body }).toEqual({ on, status: first.answer.status, body: first.answer.body });
        const reused = await cluster.post(first.path, consentBody({ policyVersion: '2099-01' }), { 'idempotency-key': first.key }, on);
        expect({ on, status: reused.status, code: reused.body?.code }).toEqual({ on, status: 422, code: 'idempotency-key-reused' });
      }
    });

    it('writes a command once when the same key reaches every instance at the same moment', async () => {
      const path = subjectPath(tenant, newSubject());
      const command = { key: randomUUID(), path: `${path}/consents`, body: consentBody(), eventTypes: ['consent-given'] };
      const answers = await Promise.all(cluster.apis.map((_, on) => send(command, on)));
      const ok = answers.filter((a) => a.answer.status === 201);
      expect(ok.length).toBeGreaterThan(0);
      // Every 2xx answer names the same events: the key's events are in the log once (checked last).
      expect(new Set(ok.map((a) => JSON.stringify(a.answer.body))).size).toBe(1);
      expect(answers.filter((a) => a.answer.status >= 500)).toEqual([]);
    });
  });

  describe('when a read with atLeast reaches an instance that did not take the command', () => {
    it('waits for the projectors and shows the command', async () => {
      for (let taker = 0; taker < cluster.apis.length; taker++) {
        const subject = newSubject();
        const path = subjectPath(tenant, subject);
        const consent = await send(
          { key: randomUUID(), path: `${path}/consents`, body: consentBody(), eventTypes: ['consent-given'] },
          taker,
        );
        expect(consent.answer.status).toBe(201);
        const reader = (taker + 1) % cluster.apis.length;
        const status = await cluster.get(`${path}?atLeast=${lastPosition(consent.answer)}`, {}, reader);
        expect({ reader, status: status.status, crm: status.body?.purposes?.['crm-access']?.status }).toEqual({
          reader,
          status: 200,
          crm: 'granted',
        });
      }
    });
  });

  describe('after it all', () => {
    it('gives every acknowledged command its identical answer on any instance, logs each once, verifies and matches a rebuild', async () => {
      const acknowledged = sent.filter((c) => c.answer!.status >= 200 && c.answer!.status < 300);
      expect(acknowledged.length).toBeGreaterThan(0);
      await expectSameAnswersAgain(cluster, acknowledged, (command) => ((command.instance ?? 0) + 1) % cluster.apis.length);
      await caughtUpCluster(cluster);
      // One entry per key: the simultaneous copies of one command must not count twice.
      const byKey = new Map(sent.map((c) => [c.key, c]));
      const first2xx = [...byKey.keys()].map((key) => sent.find((c) => c.key === key && c.answer!.status < 300) ?? byKey.get(key)!);
      await checkClusterStores(cluster, first2xx, (log) => {
        const ours = log.filter((e) => e.streamId.includes(tenant));
        const expected = first2xx.filter((c) => c.answer!.status >= 200 && c.answer!.status < 300);
        expect(ours.map((e) => e.metadata.idempotencyKey).sort()).toEqual(expected.flatMap((c) => c.eventTypes.map(() => c.key)).sort());
      });
    }, 120_000);
  });
});
