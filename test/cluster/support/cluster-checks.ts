import { expect } from '@jest/globals';
import type { StoredEvent } from '../../../src/event-store/event-store.port.js';
import {
  checkAnswersAgainstLog,
  expectReadModelsEqualRebuild,
  verifyChain,
  withStores,
  type SentCommand,
} from '../../support/crash-checks.js';
import { newDataDir, removeDataDir } from '../../support/ledger-app.js';
import type { Cluster } from './cluster.js';

/**
 * Each acknowledged command sent again with its key, to the instance `on` picks (another than
 * the one that took it, for the tests that can): the answer must be the one first given.
 */
export const expectSameAnswersAgain = async <C extends SentCommand>(
  cluster: Cluster,
  commands: readonly C[],
  on: (command: C, index: number) => number,
): Promise<void> => {
  for (const [index, command] of commands.entries()) {
    const again = await cluster.post(command.path, command.body, { 'idempotency-key': command.key }, on(command, index));
    expect({ key: command.key, status: again.status, body: again.body }).toEqual({
      key: command.key,
      status: command.answer!.status,
      body: command.answer!.body,
    });
  }
};

/**
 * The checks after a fault, on the cluster's own stores once its ledgers are stopped: every
 * answered command against the log (checkAnswersAgainstLog), then the test's own check of the
 * log, then `ledger verify` and the read models against a rebuild into a fresh database.
 */
export const checkClusterStores = async (
  cluster: Cluster,
  answered: readonly SentCommand[],
  checkLog: (log: readonly StoredEvent[]) => void,
): Promise<void> => {
  await cluster.stopLedgers();
  const dataDir = newDataDir();
  try {
    await withStores(
      dataDir,
      cluster.mongodbUrl,
      async (stores) => {
        const log = await stores.events();
        checkAnswersAgainstLog(answered, log);
        checkLog(log);
        await verifyChain(stores);
        await expectReadModelsEqualRebuild(stores, cluster.mongodbUrl);
      },
      cluster.storeEnv,
    );
  } finally {
    removeDataDir(dataDir);
  }
};
