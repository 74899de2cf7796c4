import { afterEach, describe, expect, it } from '@jest/globals';
import { parseConfig } from '../../src/config/ledger-config.js';
import { PROJECTIONS } from '../../src/app.projections.js';
import { ErasureTaskDeliveries } from '../../src/commands/record-task-delivery/erasure-task-deliveries.js';
import { rebuildProjections } from '../../src/projections/runner/rebuild.js';
import type { ReadStore } from '../../src/read-store/read-store.port.js';
import { openEventStore, openReadStore } from '../../src/stores/open-stores.js';
import { mongoFor, newDataDir, removeDataDir, startLedger, type RunningLedger } from '../support/ledger-app.js';
import { caughtUp } from '../support/reads.js';
import { consentBody, newSubject, subjectPath, transferBody } from '../support/requests.js';

const dumpReadModels = async (store: ReadStore) => {
  const dump: Record<string, unknown[]> = {};
  for (const projection of PROJECTIONS) dump[projection.name] = await store.find(projection.collection.name, {});
  for (const projection of PROJECTIONS) dump[`checkpoint:${projection.name}`] = [await store.getCheckpoint(projection.name)];
  return dump;
};

/** Writes a mix of commands and waits until every projection has applied the last event. */
const writeAndCatchUp = async (ledger: RunningLedger): Promise<number> => {
  let last = 0;
  const track = (answer: { body: { events?: readonly { globalPosition: number }[] } }) => {
    last = Math.max(last, ...(answer.body.events ?? []).map((e) => e.globalPosition));
  };
  for (let i = 0; i < 30; i++) {
    const tenant = i % 3 === 0 ? 'acme' : 'globex';
    const path = subjectPath(tenant, newSubject());
    track(await ledger.post(`${path}/consents`, consentBody({ purposes: ['crm-access', 'call-analytics'] })));
    track(await ledger.post(`${path}/transfers`, transferBody({ country: i % 2 === 0 ? 'SG' : 'IN' })));
    if (i % 5 === 0) {
      const lodged = await ledger.post(`${path}/grievances`, {
        category: 'consent',
        channel: 'web',
        receivedAt: new Date().toISOString(),
        description: `complaint ${i}`,
      });
      expect(lodged.status).toBe(201);
      track(lodged);
      if (i % 10 === 0) {
        const resolved = await ledger.post(`${path}/grievances/${lodged.body.grievanceId}/resolution`, {
          outcome: 'upheld',
          resolvedAt: new Date().toISOString(),
        });
        expect(resolved.status).toBe(201);
        track(resolved);
      }
    }
    // Withdrawing everything opens an erasure that owes the transfer's recipient a notice; a
    // partial withdrawal owes one of its own. Some recipients are then told.
    if (i % 2 === 0) {
      const withdrawn = await ledger.post(`${path}/consents/withdrawals`, {});
      track(withdrawn);
      if (i % 4 === 2) {
        // A delivered erasure task (what the webhook delivery worker records), for the erasure monitor.
        const at = Math.max(...withdrawn.body.events.map((e: { globalPosition: number }) => e.globalPosition));
        const { deletionId } = (await ledger.get(`${path}?atLeast=${at}`)).body.erasure;
        const delivered = await ledger.app.get(ErasureTaskDeliveries, { strict: false }).recordTaskDelivered({
          tenantId: tenant,
          subjectId: path.split('/').at(-1)!,
          deletionId,
          system: 'crm',
          deliveredAt: new Date().toISOString(),
          subscriptionId: `subscription-${i}`,
        });
        expect(delivered.status).toBe(201);
        track(delivered);
      }
    } else track(await ledger.post(`${path}/consents/withdrawals`, { purposes: ['crm-access'] }));
    if (i % 3 !== 2) {
      const told = await ledger.post(`${path}/recipient-notifications`, { recipientId: 'aws-sg', channel: i % 2 === 0 ? 'email' : 'api' });
      expect(told.status).toBe(201);
      track(told);
    }
    if (i % 4 === 0) track(await ledger.post(`${path}/deletion-completions`, { system: 'crm' }));
    if (i % 8 === 0) track(await ledger.post(`${path}/deletion-completions`, { system: 'backups' }));
  }
  const health = await caughtUp(ledger, 20_000);
  expect(health.eventStore.lastPosition).toBe(last);
  return last;
};

describe('rebuilding read models from position 0', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach(removeDataDir));

  it('gives read models equal to the ones built live on the same log', async () => {
    const dataDir = newDataDir();
    dirs.push(dataDir);
    const ledger = await startLedger({ dataDir, env: { LEDGER_ERASURE_SYSTEMS: 'crm,backups' } });
    let last: number;
    try {
      last = await writeAndCatchUp(ledger);
    } finally {
      await ledger.close();
    }

    const config = parseConfig({ ...mongoFor(dataDir), LEDGER_DATA_DIR: dataDir });
    const freshDir = newDataDir();
    dirs.push(freshDir);
    const events = await openEventStore(config);
    const liveStore = await openReadStore(config);
    const freshStore = await openReadStore(parseConfig({ ...mongoFor(freshDir), LEDGER_DATA_DIR: freshDir }));
    try {
      const live = await dumpReadModels(liveStore);
      expect(live['subject-history']).toHaveLength(last);

      // Into an empty store: the replay alone must produce the live read models.
      const progress: number[] = [];
      const result = await rebuildProjections(events, freshStore, PROJECTIONS, (p) => progress.push(p.events));
      expect(result.events).toBe(last);
      expect(progress.at(-1)).toBe(last);
      expect(await dumpReadModels(freshStore)).toEqual(live);

      // With windows so small that documents are written, evicted and read back again
      // many times over: still the live read models.
      await rebuildProjections(events, freshStore, PROJECTIONS, undefined, { batchSize: 7, flushDocuments: 5, cachedDocuments: 3 });
      expect(await dumpReadModels(freshStore)).toEqual(live);

      // In place, over a damaged read model: what the log does not say is gone.
      await liveStore.putMany('subject_status', [{ _id: 'forged', _position: 1e9, tenantId: 'acme' }]);
      await rebuildProjections(events, liveStore, PROJECTIONS);
      expect(await dumpReadModels(liveStore)).toEqual(live);
    } finally {
      await Promise.all([events.close(), liveStore.close(), freshStore.close()]);
    }
  });
});
