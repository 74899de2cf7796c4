import { afterEach, describe, expect, it } from '@jest/globals';
import { mongoFor, newDataDir, removeDataDir } from '../support/ledger-app.js';
import { limitFileSize, spawnLedger } from '../support/ledger-process.js';
import {
  caughtUpProcess,
  checkAnswersAgainstLog,
  expectReadModelsEqualRebuild,
  verifyChain,
  withStores,
  consentAndTransferCommands,
  sendInOrder,
} from '../support/crash-checks.js';
import { newTenant } from '../support/requests.js';

/**
 * The data directory's disk refuses writes: the child's RLIMIT_FSIZE is set to 0 with prlimit,
 * so every write to a file fails in the kernel (EFBIG), as on a full disk, whoever runs the
 * test (root ignores a read-only chmod, not this limit). Raising the limit is space returning.
 */
describe('the data directory refuses writes (disk full)', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('answers commands 503 store-unavailable, acknowledges nothing it did not store, and recovers when space returns', async () => {
    const dataDir = newDataDir();
    cleanup.push(() => removeDataDir(dataDir));
    const mongodbUrl = mongoFor(dataDir)['MONGODB_URL'];
    const tenant = newTenant();
    const ledger = await spawnLedger({ dataDir });
    cleanup.push(() => ledger.kill());

    const before = consentAndTransferCommands(tenant, 3);
    await sendInOrder(ledger, before);
    expect(before.map((c) => c.answer?.status)).toEqual(before.map(() => 201));

    limitFileSize(ledger.pid, 0);
    const during = consentAndTransferCommands(tenant, 3);
    await sendInOrder(ledger, during);
    for (const command of during) {
      expect({
        status: command.answer?.status,
        type: command.answer?.headers.get('content-type')?.split(';')[0],
        code: command.answer?.body?.code,
      }).toEqual({
        status: 503,
        type: 'application/problem+json',
        code: 'store-unavailable',
      });
      expect(command.answer?.headers.get('retry-after')).toBe('1');
    }
    // Reads of what is stored still work meanwhile.
    expect((await ledger.get(`${before[0]!.path.replace(/\/consents$/, '')}`)).status).toBe(200);

    limitFileSize(ledger.pid, 'unlimited');
    // The same requests again (same keys) now succeed, and new ones too.
    const retried = during.map((c) => ({ ...c, answer: undefined }));
    const after = consentAndTransferCommands(tenant, 3);
    await sendInOrder(ledger, [...retried, ...after]);
    expect([...retried, ...after].map((c) => c.answer?.status)).toEqual([...retried, ...after].map(() => 201));
    await caughtUpProcess(ledger);
    await ledger.stop();

    await withStores(dataDir, mongodbUrl, async (stores) => {
      const log = await stores.events();
      checkAnswersAgainstLog([...before, ...retried, ...after], log);
      expect(log.filter((e) => e.metadata.tenantId === tenant)).toHaveLength(before.length + during.length + after.length);
      await verifyChain(stores);
      await expectReadModelsEqualRebuild(stores, mongodbUrl);
    });
  }, 120_000);
});
