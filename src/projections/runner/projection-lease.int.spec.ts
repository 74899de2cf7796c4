import { afterEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aGlobalLog, aSubjectStream } from '../../../test/support/stored-events.js';
import { policyStreamId } from '../../domain/stream-id.js';
import type { NewEvent, StoredEvent } from '../../event-store/event-store.port.js';
import { SqliteEventStore } from '../../event-store/sqlite/sqlite-event-store.js';
import { openSqliteFile } from '../../platform/sqlite/sqlite-file.js';
import { openMongoReadStore } from '../../read-store/mongodb/mongodb-read-store.js';
import { LeaseLostError, type ReadDocument, type ReadStore } from '../../read-store/read-store.port.js';
import { SqliteReadStore } from '../../read-store/sqlite/sqlite-read-store.js';
import { PROJECTIONS } from '../../app.projections.js';
import { ProjectionRunner, type ProjectionRunnerOptions, type ProjectionState } from './projection-runner.js';
import { rebuildProjections } from './rebuild.js';

/**
 * Two ProjectionRunner instances (as in two app instances) on one event store and one read
 * store: every projection is applied by exactly one of them, the other stands by, and takes
 * over when the lease of the first expires. Each runner has its own read-store connection
 * (its own SQLite handle on the same file, or its own MongoDB client on the same database),
 * wrapped to record which runner's writes reached the store.
 */

interface Write {
  readonly runner: string;
  readonly op: 'putMany' | 'saveCheckpoint';
  /** The projection written for (collection mapped back to its projection for putMany). */
  readonly projection: string;
  readonly outcome: 'ok' | 'fenced';
  readonly position?: number;
}

const projectionOfCollection = new Map(PROJECTIONS.map((p) => [p.collection.name, p.name]));
const NAMES = PROJECTIONS.map((p) => p.name);

/** The store, recording every putMany and saveCheckpoint of `runner` and its outcome. */
const recording = (store: ReadStore, runner: string, log: Write[], hooks: { keepLeaseOnRelease?: boolean } = {}): ReadStore =>
  new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property === 'putMany') {
        return async (collection: string, documents: readonly ReadDocument[]) => {
          await (value as ReadStore['putMany']).call(target, collection, documents);
          if (documents.length > 0)
            log.push({ runner, op: 'putMany', projection: projectionOfCollection.get(collection) ?? collection, outcome: 'ok' });
        };
      }
      if (property === 'saveCheckpoint') {
        return async (projection: string, position: number, fence?: number) => {
          try {
            await (value as ReadStore['saveCheckpoint']).call(target, projection, position, fence);
            log.push({ runner, op: 'saveCheckpoint', projection, outcome: 'ok', position });
          } catch (error) {
            if (error instanceof LeaseLostError) log.push({ runner, op: 'saveCheckpoint', projection, outcome: 'fenced', position });
            throw error;
          }
        };
      }
      // A crash: the process is gone before it can give its leases back.
      if (property === 'releaseLease' && hooks.keepLeaseOnRelease) return async () => undefined;
      return (value as (...args: unknown[]) => unknown).bind(target);
    },
  });

interface Backend {
  readonly name: string;
  /** A new connection to the one shared read store of this test. */
  connect(): Promise<ReadStore>;
  /** A fresh, empty store to rebuild the expected read models into. */
  scratch(): Promise<ReadStore>;
  dispose(): Promise<void>;
}

const sqliteBackend = (): Backend => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-lease-'));
  return {
    name: 'SQLite',
    connect: async () => new SqliteReadStore(openSqliteFile(join(dir, 'read-models.sqlite'))),
    scratch: async () => new SqliteReadStore(openSqliteFile(join(dir, `scratch-${randomUUID()}.sqlite`))),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
};

const mongoBackend = (base: string): Backend => {
  const database = (suffix: string) => {
    const url = new URL(base);
    url.pathname = `/lease_${randomUUID().replace(/-/g, '').slice(0, 12)}_${suffix}`;
    return url.toString();
  };
  const shared = database('shared');
  return {
    name: 'MongoDB',
    connect: () => openMongoReadStore(shared),
    scratch: () => openMongoReadStore(database('expected')),
    dispose: async () => undefined,
  };
};

const mongoUrl = process.env['MONGODB_URL'];
const backends: [string, () => Backend][] = [['SQLite', sqliteBackend]];
if (mongoUrl) backends.push(['MongoDB', () => mongoBackend(mongoUrl)]);

/** Consents, transfers, a grievance and an erasure for several subjects, and a policy with a notice, as NewEvents per stream. */
const someFacts = (subjects = 3): { streamId: string; events: NewEvent[] }[] => {
  const log = aGlobalLog();
  const toNew = ({ id, type, occurredAt, recordedAt, data, metadata }: StoredEvent): NewEvent => ({
    id,
    type,
    occurredAt,
    recordedAt,
    data,
    metadata,
  });
  const tenant = aSubjectStream({ log });
  const version = { version: 'v1' };
  const policy = [
    tenant.otherEvent('policy-published', {
      ...version,
      effectiveFrom: '2026-01-01T00:00:00.000Z',
      material: true,
      url: 'https://example.com/v1',
      textSha256: 'a'.repeat(64),
    }),
    tenant.otherEvent('policy-notice-sent', {
      ...version,
      channel: 'email',
      audience: 'primary-admin',
      sentAt: '2026-01-02T00:00:00.000Z',
    }),
  ].map((event) => ({ ...toNew(event), metadata: { ...event.metadata, subjectId: '' } }));
  const policyFacts = [{ streamId: policyStreamId(tenant.tenantId), events: policy }];
  return [
    ...policyFacts,
    ...Array.from({ length: subjects }, () => {
      const subject = aSubjectStream({ log });
      const grievance = subject.grievanceLodged();
      const request = subject.deletionRequested({ systems: ['crm', 'backups'] });
      const events = [
        subject.consentGiven(),
        subject.dataTransferred(),
        subject.dataTransferred(),
        grievance,
        subject.grievanceResolved({ grievanceId: grievance.data.grievanceId }),
        request,
        subject.deletionCompleted({ deletionId: request.data.deletionId, system: 'crm', remainingSystems: ['backups'] }),
      ];
      return { streamId: subject.streamId, events: events.map(toNew) };
    }),
  ];
};

const until = async (condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

const states = (runner: ProjectionRunner): Record<string, ProjectionState> =>
  Object.fromEntries(runner.health().map((h) => [h.name, h.state]));

const all = (state: ProjectionState): Record<string, ProjectionState> => Object.fromEntries(NAMES.map((n) => [n, state]));

describe.each(backends)('one active projection runner per projection (%s read store)', (_name, makeBackend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const setup = async () => {
    const backend = makeBackend();
    const dir = mkdtempSync(join(tmpdir(), 'ledger-lease-events-'));
    const events = new SqliteEventStore(openSqliteFile(join(dir, 'events.sqlite')));
    const writes: Write[] = [];
    const stores: ReadStore[] = [];
    const runners: ProjectionRunner[] = [];
    cleanups.push(async () => {
      for (const runner of runners) await runner.beforeApplicationShutdown();
      for (const store of stores) await store.close();
      await events.close();
      rmSync(dir, { recursive: true, force: true });
      await backend.dispose();
    });
    const startRunner = async (owner: string, options: ProjectionRunnerOptions = {}, hooks: { keepLeaseOnRelease?: boolean } = {}) => {
      const store = await backend.connect();
      stores.push(store);
      const runner = new ProjectionRunner(events, recording(store, owner, writes, hooks), PROJECTIONS, { owner, ...options });
      runners.push(runner);
      await runner.onApplicationBootstrap();
      return runner;
    };
    const appendAll = async (facts: { streamId: string; events: NewEvent[] }[]): Promise<number> => {
      let last = 0;
      for (const { streamId, events: list } of facts) {
        // Stream by stream, in two appends each, so that the runners see several commits.
        const half = Math.ceil(list.length / 2);
        const first = await events.append(streamId, list.slice(0, half), 'no-stream');
        const second = await events.append(streamId, list.slice(half), first.events.length - 1);
        last = second.events.at(-1)!.globalPosition;
      }
      return last;
    };
    /** Every read model as a rebuild from the whole log into an empty store makes it. */
    const expectComplete = async (last: number) => {
      const store = await backend.connect();
      const expected = await backend.scratch();
      try {
        await rebuildProjections(events, expected, PROJECTIONS);
        for (const projection of PROJECTIONS) {
          const name = projection.collection.name;
          const actual = await store.find(name, { orderBy: ['_id'] });
          expect(actual.length).toBeGreaterThan(0);
          expect(actual).toEqual(await expected.find(name, { orderBy: ['_id'] }));
          expect(await store.getCheckpoint(projection.name)).toBe(last);
        }
      } finally {
        await store.close();
        await expected.close();
      }
    };
    const leaseOf = async (name: string) => {
      const store = await backend.connect();
      try {
        return await store.getLease(name);
      } finally {
        await store.close();
      }
    };
    return { events, writes, startRunner, appendAll, expectComplete, leaseOf };
  };

  it('lets only the lease holder write each projection; the standby answers waitFor from the stored checkpoint', async () => {
    const { writes, startRunner, appendAll, expectComplete, leaseOf } = await setup();
    const a = await startRunner('A');
    await until(() => Object.values(states(a)).every((s) => s === 'running'), 15_000, 'A to run every projection');
    const b = await startRunner('B');
    await until(() => Object.values(states(b)).every((s) => s === 'standby'), 15_000, 'B to stand by');

    const last = await appendAll(someFacts(4));
    // B applies nothing itself: it waits until A's checkpoint is stored.
    for (const name of NAMES) await b.waitFor(name, last, 5000);
    for (const name of NAMES) await a.waitFor(name, last, 5000);

    expect(states(a)).toEqual(all('running'));
    expect(states(b)).toEqual(all('standby'));
    // Standby positions come from the stored checkpoints.
    for (const health of b.health()) expect(health.position).toBe(last);
    for (const name of NAMES) expect(await leaseOf(name)).toMatchObject({ owner: 'A', token: 1 });

    expect(writes.filter((w) => w.runner === 'B')).toEqual([]);
    for (const name of NAMES) {
      expect(writes.some((w) => w.runner === 'A' && w.op === 'putMany' && w.projection === name)).toBe(true);
      expect(writes.filter((w) => w.projection === name && w.op === 'saveCheckpoint').every((w) => w.outcome === 'ok')).toBe(true);
    }
    await expectComplete(last);

    // A standby's waitFor still times out honestly when the position is never reached.
    await expect(b.waitFor('transfer-register', last + 100, 200)).rejects.toMatchObject({ code: 'read-model-lagging' });
  });

  it('hands over on shutdown: the standby takes the released leases and goes on with new events', async () => {
    const { writes, startRunner, appendAll, expectComplete, leaseOf } = await setup();
    const options = { leaseTtlMs: 600 };
    const a = await startRunner('A', options);
    await until(() => Object.values(states(a)).every((s) => s === 'running'), 15_000, 'A to run');
    const b = await startRunner('B', options);
    await until(() => Object.values(states(b)).every((s) => s === 'standby'), 15_000, 'B to stand by');
    const before = await appendAll(someFacts(2));
    for (const name of NAMES) await a.waitFor(name, before, 5000);

    await a.beforeApplicationShutdown();
    expect(states(a)).toEqual(all('stopped'));
    await until(() => Object.values(states(b)).every((s) => s === 'running'), 15_000, 'B to take over');
    for (const name of NAMES) expect(await leaseOf(name)).toMatchObject({ owner: 'B', token: 2 });

    const writesBefore = writes.length;
    const after = await appendAll(someFacts(2));
    for (const name of NAMES) await b.waitFor(name, after, 5000);
    expect(writes.slice(writesBefore).every((w) => w.runner === 'B')).toBe(true);
    await expectComplete(after);
  });

  it('takes over after a crashed runner’s lease expires (next fencing token) and continues with new events', async () => {
    const { writes, startRunner, appendAll, expectComplete, leaseOf } = await setup();
    // Long enough that reading every lease back right after the crash (on a busy machine, from
    // FerretDB) ends well before A's leases can expire.
    const options = { leaseTtlMs: 2000 };
    // A "crashes": it stops without giving its leases back.
    const a = await startRunner('A', options, { keepLeaseOnRelease: true });
    await until(() => Object.values(states(a)).every((s) => s === 'running'), 15_000, 'A to run');
    const b = await startRunner('B', options);
    await until(() => Object.values(states(b)).every((s) => s === 'standby'), 15_000, 'B to stand by');
    const before = await appendAll(someFacts(2));
    for (const name of NAMES) await a.waitFor(name, before, 5000);

    await a.beforeApplicationShutdown();
    const crashedAt = Date.now();
    for (const name of NAMES) expect(await leaseOf(name)).toMatchObject({ owner: 'A', token: 1 });
    await until(() => Object.values(states(b)).every((s) => s === 'running'), 15_000, 'B to take over');
    // Not before A's last renewal expired: it renewed at most 30% of the ttl before the crash.
    expect(Date.now() - crashedAt).toBeGreaterThanOrEqual(1000);
    for (const name of NAMES) expect(await leaseOf(name)).toMatchObject({ owner: 'B', token: 2 });

    const writesBefore = writes.length;
    const after = await appendAll(someFacts(3));
    for (const name of NAMES) await b.waitFor(name, after, 5000);
    expect(writes.slice(writesBefore).every((w) => w.runner === 'B')).toBe(true);
    await expectComplete(after);
  });

  it('fences out a runner that missed its lease expiry: its checkpoint write is refused and it stands by', async () => {
    const { writes, startRunner, appendAll, expectComplete, leaseOf } = await setup();
    // A's clock is stuck (a long pause, a clock fault): it never sees its lease due for renewal,
    // so it keeps working on token 1 after B, by the real clock, has taken the lease over.
    const stuckAt = Date.now();
    const a = await startRunner('A', { leaseTtlMs: 600, now: () => stuckAt });
    await until(() => Object.values(states(a)).every((s) => s === 'running'), 15_000, 'A to run');
    const b = await startRunner('B', { leaseTtlMs: 600 });
    await until(() => Object.values(states(b)).every((s) => s === 'running'), 15_000, 'B to take over the expired leases');
    for (const name of NAMES) expect(await leaseOf(name)).toMatchObject({ owner: 'B', token: 2 });
    expect(states(a)).toEqual(all('running'));

    const last = await appendAll(someFacts(3));
    for (const name of NAMES) await b.waitFor(name, last, 5000);
    // A tried to apply the new events too, was refused the checkpoint on every projection,
    // and now stands by (its next acquisition attempt finds B's live lease).
    await until(() => Object.values(states(a)).every((s) => s === 'standby'), 15_000, 'A to stand by');
    for (const name of NAMES) {
      const checkpoints = writes.filter((w) => w.projection === name && w.op === 'saveCheckpoint');
      expect(checkpoints.filter((w) => w.runner === 'A' && w.position !== undefined && w.position > 0).map((w) => w.outcome)).toContain(
        'fenced',
      );
      expect(checkpoints.filter((w) => w.runner === 'A').every((w) => w.outcome === 'fenced')).toBe(true);
      expect(checkpoints.filter((w) => w.runner === 'B').every((w) => w.outcome === 'ok')).toBe(true);
    }
    // Whatever documents A wrote are guarded by _position and equal B's: nothing doubled.
    await expectComplete(last);
  });
});
