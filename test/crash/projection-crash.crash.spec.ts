import { afterEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { PROJECTIONS } from '../../src/app.projections.js';
import { mongoFor, newDataDir, removeDataDir } from '../support/ledger-app.js';
import { LedgerExitedError, spawnLedger, type LedgerProcess } from '../support/ledger-process.js';
import {
  caughtUpProcess,
  checkAnswersAgainstLog,
  expectReadModelsEqualRebuild,
  withStores,
  sendChains,
  type SentCommand,
} from '../support/crash-checks.js';
import { eventually } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';

const CRASHES = 3;

/** Commands that move counters: transfers (transfer summary), erasures opened and completed (erasure monitor). */
const commandsFor = (tenant: string, subjects: number): SentCommand[][] =>
  Array.from({ length: subjects }, () => {
    const path = subjectPath(tenant, newSubject());
    return [
      { key: randomUUID(), path: `${path}/consents`, body: consentBody(), eventTypes: ['consent-given'] },
      { key: randomUUID(), path: `${path}/transfers`, body: transferBody(), eventTypes: ['data-transferred'] },
      { key: randomUUID(), path: `${path}/consents/withdrawals`, body: {}, eventTypes: ['consent-withdrawn', 'deletion-requested'] },
      { key: randomUUID(), path: `${path}/deletion-completions`, body: { system: 'crm' }, eventTypes: ['deletion-completed'] },
    ];
  });

describe('kill -9 of the projection runner between a read-model write and its checkpoint (in the projector worker)', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it(`counts nothing twice after ${CRASHES} crashes at that exact point`, async () => {
    const dataDir = newDataDir();
    cleanup.push(() => removeDataDir(dataDir));
    const mongodbUrl = mongoFor(dataDir)['MONGODB_URL'];
    const tenant = newTenant();
    const sent: SentCommand[] = [];
    const env = { LEDGER_TEST_CRASH_AT: 'projection-after-write', LEDGER_ERASURE_SYSTEMS: 'crm,backups' };

    for (let crash = 1; crash <= CRASHES; crash++) {
      // Armed: the first batch any projection writes kills the server before its checkpoint.
      // After the first round the backlog makes that happen during start-up catch-up.
      let ledger: LedgerProcess | undefined;
      try {
        ledger = await spawnLedger({ dataDir, env });
      } catch (error) {
        if (!(error instanceof LedgerExitedError)) throw error;
        expect(error.how).toBe('SIGKILL');
      }
      if (ledger !== undefined) {
        const running = ledger;
        cleanup.push(() => running.kill());
        const chains = commandsFor(tenant, 10);
        sent.push(...chains.flat());
        await sendChains(running, chains);
        // Killed by itself, not by this test.
        let timer: NodeJS.Timeout | undefined;
        const still = new Promise((r) => (timer = setTimeout(() => r('still running'), 15_000)));
        expect(await Promise.race([running.exited, still]).finally(() => clearTimeout(timer))).toBe('SIGKILL');
        // By the projector worker (LEDGER_ROLE=all on the embedded stores), not the thread answering HTTP.
        const line = await eventually(
          async () => /crash point projection-after-write reached on (.+)/.exec(running.output())?.[1],
          (where) => where !== undefined,
          5000,
        );
        expect(line).toMatch(/^worker thread \d+$/);
      }
      // It died exactly there: some read model holds a document past its projection's checkpoint.
      await withStores(dataDir, mongodbUrl, async ({ readStore }) => {
        const ahead: string[] = [];
        for (const projection of PROJECTIONS) {
          const checkpoint = await readStore.getCheckpoint(projection.name);
          if ((await readStore.count(projection.collection.name, { _position: { gt: checkpoint } })) > 0) ahead.push(projection.name);
        }
        expect(ahead.length).toBeGreaterThan(0);
      });
    }
    // Commands reached the log (the runner may kill the server between a commit and its
    // answer, so whether any 2xx arrived first is a race; what was committed is what counts).
    expect(sent.length).toBeGreaterThan(0);

    // Unarmed: the runner replays from the checkpoints, over documents that already hold those events.
    const ledger = await spawnLedger({ dataDir, env: { LEDGER_ERASURE_SYSTEMS: 'crm,backups' } });
    cleanup.push(() => ledger.kill());
    await caughtUpProcess(ledger);
    const summary = await ledger.get(`/v1/deletions/summary?tenantId=${tenant}`);
    await ledger.stop();
    await withStores(dataDir, mongodbUrl, async (stores) => {
      const log = await stores.events();
      checkAnswersAgainstLog(sent, log);
      // A counter a human reads: erasures opened less those completed in both systems (none here).
      const opened = log.filter((e) => e.metadata.tenantId === tenant && e.type === 'deletion-requested').length;
      // Group commit answers a batch's commands together, and the first projection write after
      // that commit kills the server: each round commits one batch (the first command of each chain).
      expect(log.filter((e) => e.metadata.tenantId === tenant).length).toBeGreaterThan(0);
      expect(summary.status).toBe(200);
      expect((summary.body as { open: number; overdue: number }).open + (summary.body as { overdue: number }).overdue).toBe(opened);
      await expectReadModelsEqualRebuild(stores, mongodbUrl);
    });
  }, 180_000);
});
