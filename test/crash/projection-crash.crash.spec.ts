import { afterEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { StoredEvent } from '../../src/event-store/event-store.port.js';
import {
  transferSummaryProjection,
  type TransferSummaryDocument,
} from '../../src/read-models/processing-record/transfer-summary.projection.js';
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
const SUMMARY = transferSummaryProjection.name;

/** Commands that move counters: transfers (transfer summary), erasures opened and completed (erasure monitor). */
const commandsFor = (tenant: string, subjects: number): SentCommand[][] =>
  Array.from({ length: subjects }, () => {
    const path = subjectPath(tenant, newSubject());
    return [
      { key: randomUUID(), path: `${path}/consents`, body: consentBody(), eventTypes: ['consent-given'] },
      { key: randomUUID(), path: `${path}/transfers`, body: transferBody(), eventTypes: ['data-transferred'] },
      {
        key: randomUUID(),
        path: `${path}/consents/withdrawals`,
        body: {},
        // The erasure it opens owes the transfer's recipient a notice (Art. 19).
        eventTypes: ['consent-withdrawn', 'deletion-requested', 'recipient-notification-required'],
      },
      { key: randomUUID(), path: `${path}/deletion-completions`, body: { system: 'crm' }, eventTypes: ['deletion-completed'] },
    ];
  });

const transfersOf = (log: readonly StoredEvent[], tenant: string, after = 0, upTo = Infinity) =>
  log.filter((e) => e.metadata.tenantId === tenant && e.type === 'data-transferred' && e.globalPosition > after && e.globalPosition <= upTo)
    .length;

/**
 * The transfer summary is a running total (`transfers: n + 1` per event), so it is the read
 * model on which an event applied twice would show: the crash point is armed for it alone.
 */
describe('kill -9 of the projector worker between a read-model write and its checkpoint', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it(`counts no transfer twice after ${CRASHES} crashes between the transfer summary's write and its checkpoint`, async () => {
    const dataDir = newDataDir();
    cleanup.push(() => removeDataDir(dataDir));
    const mongodbUrl = mongoFor(dataDir)['MONGODB_URL'];
    const tenant = newTenant();
    const sent: SentCommand[] = [];
    const systems = { LEDGER_ERASURE_SYSTEMS: 'crm,backups' };
    const armed = { LEDGER_TEST_CRASH_AT: `projection-after-write:${SUMMARY}`, ...systems };
    /** Transfers a replay from the checkpoint hands the summary again, though it already counts them. */
    let redelivered = 0;

    for (let crash = 1; crash <= CRASHES; crash++) {
      // After a crash the backlog may hold transfers the summary lacks: then it dies during start-up catch-up.
      let crashLine: string | undefined;
      let ledger: LedgerProcess | undefined;
      try {
        ledger = await spawnLedger({ dataDir, env: armed });
      } catch (error) {
        if (!(error instanceof LedgerExitedError)) throw error;
        expect(error.how).toBe('SIGKILL');
        crashLine = error.message;
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
        crashLine = await eventually(
          async () => running.output(),
          (output) => output.includes('crash point'),
          5000,
        );
      }
      // In the transfer summary, by the projector worker (LEDGER_ROLE=all on the embedded event store), not the HTTP thread.
      expect(/crash point projection-after-write reached in (\S+) on (.+)/.exec(crashLine ?? '')?.slice(1, 3)).toEqual([
        SUMMARY,
        expect.stringMatching(/^worker thread \d+$/),
      ]);

      // It died exactly there: the summary counts transfers past its checkpoint, each once so far.
      await withStores(dataDir, mongodbUrl, async ({ readStore, events }) => {
        const log = await events();
        const checkpoint = await readStore.getCheckpoint(SUMMARY);
        const summary = await readStore.get<TransferSummaryDocument>(transferSummaryProjection.collection.name, tenant);
        expect(summary).not.toBeNull();
        expect(summary!._position).toBeGreaterThan(checkpoint);
        expect(summary!.transfers).toBe(transfersOf(log, tenant, 0, summary!._position));
        const ahead = transfersOf(log, tenant, checkpoint, summary!._position);
        expect(ahead).toBeGreaterThan(0);
        redelivered += ahead;
      });
    }
    expect(redelivered).toBeGreaterThanOrEqual(CRASHES);

    // Unarmed: the runner replays from the checkpoints, over documents that already hold those events.
    const ledger = await spawnLedger({ dataDir, env: systems });
    cleanup.push(() => ledger.kill());
    expect(ledger.output()).toMatch(/projections run in worker thread \d+/);
    await caughtUpProcess(ledger);
    const record = await ledger.get(`/v1/tenants/${tenant}/processing-record`);
    const deletions = await ledger.get(`/v1/deletions/summary?tenantId=${tenant}`);
    await ledger.stop();
    await withStores(dataDir, mongodbUrl, async (stores) => {
      const log = await stores.events();
      checkAnswersAgainstLog(sent, log);
      // Counters a human reads, against the log: each transfer once, each erasure once.
      const transfers = transfersOf(log, tenant);
      expect(transfers).toBeGreaterThan(0);
      expect(record.status).toBe(200);
      const body = record.body as { transfers: number; recipients: { id: string; transfers: number }[] };
      expect({ transfers: body.transfers, recipients: body.recipients.map((r) => [r.id, r.transfers]) }).toEqual({
        transfers,
        recipients: [['aws-sg', transfers]],
      });
      const opened = log.filter((e) => e.metadata.tenantId === tenant && e.type === 'deletion-requested').length;
      expect(deletions.status).toBe(200);
      const { open, overdue } = deletions.body as { open: number; overdue: number };
      // Each erasure waits for `backups`, so none completes: all are open (or overdue).
      expect(open + overdue).toBe(opened);
      // And every document and checkpoint equals a rebuild of the same log into a fresh store.
      await expectReadModelsEqualRebuild(stores, mongodbUrl);
    });
  }, 240_000);
});
