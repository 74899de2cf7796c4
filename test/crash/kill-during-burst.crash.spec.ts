import { afterEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mongoFor, newDataDir, removeDataDir } from '../support/ledger-app.js';
import { spawnLedger, type LedgerProcess } from '../support/ledger-process.js';
import {
  caughtUpProcess,
  checkAnswersAgainstLog,
  expectReadModelsEqualRebuild,
  verifyChain,
  withStores,
  type SentCommand,
} from '../support/crash-checks.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';

/** Rounds and burst size; `bench/crash-soak.sh` runs more and larger (docs/performance.md). */
const ROUNDS = Number(process.env['CRASH_ROUNDS'] ?? 5);
const BURST = Number(process.env['CRASH_BURST'] ?? 500);

/**
 * A burst of commands all in flight at once, four per subject (so several race on each
 * stream): a consent, a transfer under contract, a full withdrawal (up to three events, or
 * refused when it overtakes the consent) and an erasure request (refused when the withdrawal
 * already opened one); an erasure decided after the transfer owes its recipient a notice.
 */
const burst = (tenant: string, size: number): SentCommand[] =>
  Array.from({ length: Math.ceil(size / 4) }, () => subjectPath(tenant, newSubject()))
    .flatMap((path): SentCommand[] => [
      { key: randomUUID(), path: `${path}/consents`, body: consentBody(), eventTypes: ['consent-given'] },
      { key: randomUUID(), path: `${path}/transfers`, body: transferBody({ legalBasis: 'contract' }), eventTypes: ['data-transferred'] },
      {
        key: randomUUID(),
        path: `${path}/consents/withdrawals`,
        body: {},
        eventTypes: ['consent-withdrawn', 'deletion-requested', 'recipient-notification-required'],
        // The subject's four commands are sent at once: when its deletion request is decided
        // first, the erasure is already open and the withdrawal opens none; when the erasure
        // comes before the transfer, it owes no recipient a notice.
        orEventTypes: [['consent-withdrawn', 'deletion-requested'], ['consent-withdrawn']],
      },
      {
        key: randomUUID(),
        path: `${path}/deletion-requests`,
        body: {},
        eventTypes: ['deletion-requested', 'recipient-notification-required'],
        orEventTypes: [['deletion-requested']],
      },
    ])
    .slice(0, size);

const send = (ledger: LedgerProcess, command: SentCommand) => ledger.post(command.path, command.body, { 'idempotency-key': command.key });

describe('kill -9 during a burst of concurrent commands', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it(
    `keeps every acknowledged command exactly once, nothing half-written, the chain intact and read models equal to a rebuild (${ROUNDS} rounds)`,
    async () => {
      const dataDir = newDataDir();
      cleanup.push(() => removeDataDir(dataDir));
      const mongodbUrl = mongoFor(dataDir)['MONGODB_URL'];
      const tenant = newTenant();
      const everything: SentCommand[] = [];
      let killedMidBurst = 0;

      // LEDGER_ROLE=all (the default) on the embedded event store: the projections run in the
      // projector worker, so the kill lands on both threads at whatever each was doing.
      const inWorker = (started: LedgerProcess) => expect(started.output()).toMatch(/projections run in worker thread \d+/);
      let ledger = await spawnLedger({ dataDir });
      cleanup.push(() => ledger.kill());
      inWorker(ledger);
      for (let round = 1; round <= ROUNDS; round++) {
        const commands = burst(tenant, BURST);
        // Kill once a random share of the answers is back: the rest are in flight, at every stage.
        const killAfter = Math.floor(BURST * (0.15 + Math.random() * 0.5));
        let answered = 0;
        let killing: Promise<void> | undefined;
        const victim = ledger;
        await Promise.all(
          commands.map(async (command) => {
            try {
              command.answer = await send(victim, command);
            } catch {
              return; // the connection died with the process: not acknowledged
            }
            if (++answered === killAfter) killing = victim.kill();
          }),
        );
        await killing;
        await victim.kill();
        if (commands.some((c) => c.answer === undefined)) killedMidBurst++;
        // Every answer is a deliberate one: created, or a rule's refusal / a conflict to retry.
        expect(commands.flatMap((c) => (c.answer === undefined || [201, 409].includes(c.answer.status) ? [] : [c.answer.text]))).toEqual(
          [],
        );

        // Restart on the same data; the same requests again (same keys) give the same answers.
        ledger = await spawnLedger({ dataDir });
        const restarted = ledger;
        cleanup.push(() => restarted.kill());
        inWorker(restarted);
        const acknowledged = commands.filter((c) => c.answer?.status === 201);
        const again = await Promise.all(acknowledged.map((command) => send(restarted, command)));
        expect(again.map((answer) => ({ status: answer.status, body: answer.body }))).toEqual(
          acknowledged.map((command) => ({ status: 201, body: command.answer!.body })),
        );
        await caughtUpProcess(restarted, 60_000).catch((error: Error) => {
          throw new Error(`${error.message}\nthe ledger's last log lines:\n${restarted.output().split('\n').slice(-40).join('\n')}`);
        });

        // Checked from this process while the restarted ledger idles (SQLite readers do not block it).
        everything.push(...commands);
        await withStores(dataDir, mongodbUrl, async (stores) => {
          checkAnswersAgainstLog(everything, await stores.events());
          await verifyChain(stores);
          await expectReadModelsEqualRebuild(stores, mongodbUrl);
        });
      }
      await ledger.stop();
      // The kill must really have landed mid-burst (else this test proves little).
      expect(killedMidBurst).toBeGreaterThanOrEqual(Math.min(ROUNDS, 3));
      expect(everything.filter((c) => c.answer?.status === 201).length).toBeGreaterThan(ROUNDS * BURST * 0.1);
    },
    Math.max(240_000, ROUNDS * 60_000),
  );
});
