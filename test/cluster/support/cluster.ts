import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { FERRETDB, freePort, killHard, startFerretDb } from '../../support/ferretdb-process.js';
import { newDataDir, removeDataDir, type HttpAnswer } from '../../support/ledger-app.js';
import { spawnLedger, type LedgerProcess } from '../../support/ledger-process.js';

/**
 * The production picture of docs/deployment.md on 127.0.0.1, every part a real child process:
 * the EventStoreDB protocol test server, a MongoDB-wire server, three `api` ledgers and two
 * `projector` ledgers sharing both, with the same master key, signing key and API keys.
 */

const ROOT = resolve(import.meta.dirname, '../../..');
const TS_LOADER = resolve(ROOT, 'test/support/ts-loader/register.mjs');

/** Short leases, so that a projector's successor takes over within a test's patience. */
export const CLUSTER_LEASE_TTL_MS = 1000;

export interface Cluster {
  readonly apis: LedgerProcess[];
  readonly projectors: LedgerProcess[];
  readonly mongodbUrl: string;
  readonly eventStoreConnectionString: string;
  /** What a process needs besides its data dir and MONGODB_URL to open the cluster's stores. */
  readonly storeEnv: Record<string, string>;
  /** Sends each call to the next `api` instance in turn, or to instance `on`; says which answered. */
  post(path: string, body: unknown, headers?: Record<string, string>, on?: number): Promise<ClusterAnswer>;
  get(path: string, headers?: Record<string, string>, on?: number): Promise<ClusterAnswer>;
  /** SIGKILL the MongoDB-wire server; only with `ownMongo` (a server of this cluster's own). */
  killMongo(): Promise<void>;
  /** Starts it again on the same port and data. */
  restartMongo(): Promise<void>;
  /** Shuts the EventStoreDB test server's gRPC server down, keeping its events; calls fail until `resumeEventStore`. */
  pauseEventStore(): Promise<void>;
  resumeEventStore(): Promise<void>;
  /** Stops the ledgers (SIGTERM), leaving the stores up for the checks. */
  stopLedgers(): Promise<void>;
  /** Stops everything that is still running and removes the data folders. */
  close(): Promise<void>;
}

export type ClusterAnswer = HttpAnswer & { readonly instance: number };

interface EsdbProcess {
  readonly child: ChildProcess;
  readonly connectionString: string;
  /** Resolves at the next output line matching `pattern`. */
  next(pattern: RegExp): Promise<void>;
}

const startEsdb = async (): Promise<EsdbProcess> => {
  const child = spawn(process.execPath, ['--import', TS_LOADER, resolve(ROOT, 'test/cluster/support/esdb-server.main.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const connectionString = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`the EventStoreDB test server did not start within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /listening on (esdb:\/\/\S+)/.exec(output);
      if (found?.[1]) {
        clearTimeout(timer);
        done(found[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(new Error(`the EventStoreDB test server exited (${signal ?? code}):\n${output}`));
    });
  });
  const next = (pattern: RegExp) =>
    new Promise<void>((done, fail) => {
      const timer = setTimeout(
        () =>
          fail(
            new Error(
              `the EventStoreDB test server (exit ${child.signalCode ?? child.exitCode}) did not print ${pattern} within 10 s:\n${output}`,
            ),
          ),
        10_000,
      );
      const onData = (chunk: Buffer) => {
        if (!pattern.test(chunk.toString())) return;
        child.stdout!.off('data', onData);
        clearTimeout(timer);
        done();
      };
      child.stdout!.on('data', onData);
    });
  return { child, connectionString, next };
};

interface MongoServer {
  readonly url: string;
  kill(): Promise<void>;
  restart(): Promise<void>;
  /** At the end: kills a server of the cluster's own, leaves MONGODB_URL's alone. */
  close(): Promise<void>;
}

/**
 * MONGODB_URL's server with a database of this cluster's own; else, or when the test must kill
 * it (`own`), a FerretDB of its own (on FERRETDB_POSTGRESQL_URL's PostgreSQL when set).
 */
const startMongo = async (own: boolean, cleanup: (() => Promise<void> | void)[]): Promise<MongoServer> => {
  const database = `cluster_${randomUUID().slice(0, 8)}`;
  const given = process.env['MONGODB_URL'];
  if (given !== undefined && !own) {
    const url = new URL(given);
    url.pathname = `/${database}`;
    const notOurs = async () => {
      throw new Error('the cluster uses MONGODB_URL: start it with ownMongo to kill its MongoDB server');
    };
    return { url: url.toString(), kill: notOurs, restart: notOurs, close: async () => {} };
  }
  if (!existsSync(FERRETDB))
    throw new Error(`the cluster tier needs MONGODB_URL or the FerretDB binary (${FERRETDB}; .ci/ferretdb.sh builds it)`);
  const dir = newDataDir();
  cleanup.push(() => removeDataDir(dir));
  const port = await freePort();
  let child = await startFerretDb(dir, port);
  return {
    url: `mongodb://127.0.0.1:${port}/${database}`,
    kill: () => killHard(child),
    close: () => killHard(child),
    restart: async () => {
      await killHard(child);
      child = await startFerretDb(dir, port);
    },
  };
};

export interface ClusterOptions {
  readonly apis?: number;
  readonly projectors?: number;
  /** A MongoDB-wire server of the cluster's own even when MONGODB_URL is set, for tests that kill it. */
  readonly ownMongo?: boolean;
}

export const startCluster = async (options: ClusterOptions = {}): Promise<Cluster> => {
  const cleanup: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  };
  try {
    const esdb = await startEsdb();
    cleanup.push(() => killHard(esdb.child));
    const mongo = await startMongo(options.ownMongo === true, cleanup);
    cleanup.push(() => mongo.close());
    const { privateKey } = generateKeyPairSync('ed25519');
    const storeEnv = {
      EVENTSTORE_CONNECTION_STRING: esdb.connectionString,
      LEDGER_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    const spawnRole = async (role: 'api' | 'projector') => {
      const dataDir = newDataDir();
      cleanup.push(() => removeDataDir(dataDir));
      const ledger = await spawnLedger({
        dataDir,
        mongodbUrl: mongo.url,
        env: { ...storeEnv, LEDGER_ROLE: role, LEDGER_PROJECTION_LEASE_TTL_MS: String(CLUSTER_LEASE_TTL_MS) },
      });
      cleanup.push(() => ledger.kill());
      return ledger;
    };
    const [apis, projectors] = await Promise.all([
      Promise.all(Array.from({ length: options.apis ?? 3 }, () => spawnRole('api'))),
      Promise.all(Array.from({ length: options.projectors ?? 2 }, () => spawnRole('projector'))),
    ]);
    let next = 0;
    const pick = (on: number | undefined) => {
      const instance = on ?? next++ % apis.length;
      return { instance, ledger: apis[instance]! };
    };
    return {
      apis,
      projectors,
      mongodbUrl: mongo.url,
      eventStoreConnectionString: esdb.connectionString,
      storeEnv,
      post: async (path, body, headers, on) => {
        const { instance, ledger } = pick(on);
        return { ...(await ledger.post(path, body, headers)), instance };
      },
      get: async (path, headers, on) => {
        const { instance, ledger } = pick(on);
        return { ...(await ledger.get(path, headers)), instance };
      },
      killMongo: () => mongo.kill(),
      pauseEventStore: async () => {
        const stopped = esdb.next(/^stopped$/m);
        esdb.child.kill('SIGUSR1');
        await stopped;
      },
      resumeEventStore: async () => {
        const listening = esdb.next(/^listening on /m);
        esdb.child.kill('SIGUSR2');
        await listening;
      },
      restartMongo: () => mongo.restart(),
      stopLedgers: async () => {
        await Promise.all([...apis, ...projectors].map((ledger) => ledger.stop()));
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
};

interface Health {
  eventStore: { lastPosition: number };
  projections: { name: string; state: string; position: number }[];
}

/**
 * Waits (bounded) until every projection runs on one of the projectors at the log's last
 * position: the leases may split the projections between them.
 */
export const caughtUpCluster = async (cluster: Cluster, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = cluster.projectors.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
    const healths = await Promise.all(alive.map(async (p) => (await p.get('/health')).body as Health));
    const lastPosition = Math.max(...healths.map((h) => h.eventStore.lastPosition));
    const names = new Set(healths.flatMap((h) => h.projections.map((p) => p.name)));
    const done =
      names.size > 0 &&
      [...names].every((name) =>
        healths.some((h) => h.projections.some((p) => p.name === name && p.state === 'running' && p.position === lastPosition)),
      );
    if (done) return;
    if (Date.now() > deadline) throw new Error(`the projectors did not catch up within ${timeoutMs} ms: ${JSON.stringify(healths)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};
