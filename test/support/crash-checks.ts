import { randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import { parseConfig } from '../../src/config/ledger-config.js';
import type { StoredEvent } from '../../src/event-store/event-store.port.js';
import { existingSigningKey } from '../../src/evidence/stored-evidence.js';
import { verifyLedger } from '../../src/evidence/verify-ledger.js';
import { PROJECTIONS } from '../../src/app.projections.js';
import { rebuildProjections } from '../../src/projections/runner/rebuild.js';
import type { ReadStore } from '../../src/read-store/read-store.port.js';
import { openEventStore, openReadStore } from '../../src/stores/open-stores.js';
import { newDataDir, removeDataDir, type HttpAnswer } from './ledger-app.js';
import { CRASH_MASTER_KEY, type LedgerProcess } from './ledger-process.js';
import { consentBody, newSubject, subjectPath, transferBody } from './requests.js';

/** One command of a burst: what was sent and what came back (undefined: the connection died). */
export interface SentCommand {
  readonly key: string;
  readonly path: string;
  readonly body: unknown;
  /** The events a successful run of this command writes, in order (all or none). */
  readonly eventTypes: readonly string[];
  /**
   * What it may write instead when a concurrent command of the same subject went first: e.g. a
   * withdrawal after a deletion request of the same burst writes no second deletion-requested,
   * and an erasure decided before the subject's transfer owes no recipient a notice.
   */
  readonly orEventTypes?: readonly (readonly string[])[];
  answer?: HttpAnswer;
}

/**
 * A burst over `subjects`: each subject gets a consent, a transfer and a full withdrawal (three
 * events: consent-withdrawn, deletion-requested and the recipient notice), in that order per subject but all
 * subjects at once, so commands of several kinds and sizes are in flight when the kill lands.
 */
export const commandMix = (tenant: string, subjects: readonly string[]): SentCommand[][] =>
  subjects.map((subject) => {
    const path = subjectPath(tenant, subject);
    return [
      { key: randomUUID(), path: `${path}/consents`, body: consentBody({ purposes: ['crm-access'] }), eventTypes: ['consent-given'] },
      { key: randomUUID(), path: `${path}/transfers`, body: transferBody(), eventTypes: ['data-transferred'] },
      {
        key: randomUUID(),
        path: `${path}/consents/withdrawals`,
        body: {},
        // The erasure it opens owes the transfer's recipient a notice (Art. 19).
        eventTypes: ['consent-withdrawn', 'deletion-requested', 'recipient-notification-required'],
      },
    ];
  });

/** Sends each subject's commands in order, every subject concurrently; a dead connection ends that subject's chain. */
export const sendChains = async (ledger: LedgerProcess, chains: readonly SentCommand[][]): Promise<void> => {
  await Promise.all(
    chains.map(async (chain) => {
      for (const command of chain) {
        try {
          command.answer = await ledger.post(command.path, command.body, { 'idempotency-key': command.key });
        } catch {
          return;
        }
      }
    }),
  );
};

/**
 * Every event of the log, read straight from the stores of a stopped ledger. `env` adds the
 * rest of its configuration, e.g. EVENTSTORE_CONNECTION_STRING and LEDGER_SIGNING_KEY for a
 * cluster on EventStoreDB.
 */
export const withStores = async <T>(
  dataDir: string,
  mongodbUrl: string | undefined,
  work: (stores: Stores) => Promise<T>,
  env: Record<string, string> = {},
): Promise<T> => {
  const config = configFor(dataDir, mongodbUrl, env);
  const events = await openEventStore(config);
  const readStore = await openReadStore(config);
  try {
    return await work({ events: async () => collect(events.readAll()), eventStore: events, readStore, config });
  } finally {
    await Promise.all([events.close(), readStore.close()]);
  }
};

export interface Stores {
  events(): Promise<StoredEvent[]>;
  readonly eventStore: Awaited<ReturnType<typeof openEventStore>>;
  readonly readStore: ReadStore;
  readonly config: ReturnType<typeof parseConfig>;
}

const configFor = (dataDir: string, mongodbUrl: string | undefined, env: Record<string, string> = {}) =>
  parseConfig({
    LEDGER_DATA_DIR: dataDir,
    LEDGER_MASTER_KEY: CRASH_MASTER_KEY,
    ...(mongodbUrl !== undefined && { MONGODB_URL: mongodbUrl }),
    ...env,
  });

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
};

/**
 * The log against what was answered: every 2xx command's events are in the log exactly
 * once, with the ids it was told; every command's events are all there or none (one
 * append each, one stream, consecutive positions, the types it writes).
 */
export const checkAnswersAgainstLog = (commands: readonly SentCommand[], log: readonly StoredEvent[]): void => {
  const ids = new Map<string, number>();
  for (const event of log) ids.set(event.id, (ids.get(event.id) ?? 0) + 1);
  expect([...ids.values()].filter((n) => n !== 1)).toEqual([]);
  const byKey = new Map<string, StoredEvent[]>();
  for (const event of log) {
    const key = event.metadata.idempotencyKey;
    if (key !== null) byKey.set(key, [...(byKey.get(key) ?? []), event]);
  }
  for (const command of commands) {
    const written = byKey.get(command.key) ?? [];
    const status = command.answer?.status;
    if (status !== undefined && status >= 200 && status < 300) {
      const answered = (command.answer!.body as { events: { id: string }[] }).events.map((e) => e.id);
      expect({ key: command.key, ids: written.map((e) => e.id) }).toEqual({ key: command.key, ids: answered });
    }
    if (written.length > 0) {
      // All or nothing: exactly the command's events, in one stream, consecutive.
      const types = written.map((e) => e.type);
      const expected = [command.eventTypes, ...(command.orEventTypes ?? [])].find((one) => one.join() === types.join());
      expect({ key: command.key, types }).toEqual({ key: command.key, types: expected ?? command.eventTypes });
      expect(new Set(written.map((e) => e.streamId)).size).toBe(1);
      written.forEach((event, index) => expect(event.streamPosition).toBe(written[0]!.streamPosition + index));
    }
  }
};

/** `ledger verify`'s own code on the stopped ledger's stores: hash chains, Merkle root, tree heads. */
export const verifyChain = async (stores: Stores): Promise<void> => {
  const result = await verifyLedger(stores.eventStore, stores.readStore, existingSigningKey(stores.config)?.publicKey ?? null);
  expect(result.ok ? 'verified' : result.reason).toBe('verified');
};

/** Every read-model document and checkpoint. */
export const dumpReadModels = async (store: ReadStore): Promise<Record<string, unknown[]>> => {
  const dump: Record<string, unknown[]> = {};
  for (const projection of PROJECTIONS) dump[projection.name] = await store.find(projection.collection.name, {});
  for (const projection of PROJECTIONS) dump[`checkpoint:${projection.name}`] = [await store.getCheckpoint(projection.name)];
  return dump;
};

/**
 * The live read models (caught up, ledger stopped) against a rebuild of the same log into a
 * fresh store (a database of its own on MongoDB): every document, position and checkpoint.
 */
export const expectReadModelsEqualRebuild = async (stores: Stores, mongodbUrl: string | undefined): Promise<void> => {
  const freshDir = newDataDir();
  let freshUrl: string | undefined;
  if (mongodbUrl !== undefined) {
    const url = new URL(mongodbUrl);
    url.pathname = `/rebuild_${randomUUID().slice(0, 8)}`;
    freshUrl = url.toString();
  }
  const fresh = await openReadStore(configFor(freshDir, freshUrl));
  try {
    await rebuildProjections(stores.eventStore, fresh, PROJECTIONS);
    const live = await dumpReadModels(stores.readStore);
    expect(live['subject-history']!.length).toBeGreaterThan(0);
    expect(await dumpReadModels(fresh)).toEqual(live);
  } finally {
    if (freshUrl !== undefined) for (const p of PROJECTIONS) await fresh.clear(p.collection.name);
    await fresh.close();
    removeDataDir(freshDir);
  }
};

/** Waits (bounded) until /health shows every projection at the log's last position. */
export const caughtUpProcess = async (ledger: LedgerProcess, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const health = await ledger.get('/health');
    last = health.text;
    const body = health.body as { eventStore: { lastPosition: number }; projections: { state: string; position: number }[] };
    if (body.projections?.length > 0 && body.projections.every((p) => p.state === 'running' && p.position === body.eventStore.lastPosition))
      return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`read models did not catch up within ${timeoutMs} ms: ${last}`);
};

/** Per subject a consent and a contract transfer, each with its own Idempotency-Key. */
export const consentAndTransferCommands = (tenant: string, subjects: number): SentCommand[] =>
  Array.from({ length: subjects }, () => subjectPath(tenant, newSubject())).flatMap((path): SentCommand[] => [
    { key: randomUUID(), path: `${path}/consents`, body: consentBody(), eventTypes: ['consent-given'] },
    { key: randomUUID(), path: `${path}/transfers`, body: transferBody({ legalBasis: 'contract' }), eventTypes: ['data-transferred'] },
  ]);

/** Sends the commands one after another, recording each answer. */
export const sendInOrder = async (ledger: LedgerProcess, commands: readonly SentCommand[]): Promise<void> => {
  for (const command of commands) command.answer = await ledger.post(command.path, command.body, { 'idempotency-key': command.key });
};
