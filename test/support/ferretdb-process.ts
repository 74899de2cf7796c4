import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * FerretDB (the MongoDB-wire server .ci/run uses) as a child process of a test, so that the test
 * can kill and restart it. FERRETDB_BIN is exported by .ci/run; else the binary .ci/ferretdb.sh
 * builds into ~/.cache/privacy-ledger/bin. Its data goes to the PostgreSQL of
 * FERRETDB_POSTGRESQL_URL (also exported by .ci/run), which outlives a kill; without that URL
 * (a developer's machine with only the binary) to SQLite files in the state folder.
 */
export const FERRETDB =
  process.env['FERRETDB_BIN'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'privacy-ledger/bin/ferretdb');
const POSTGRESQL_URL = process.env['FERRETDB_POSTGRESQL_URL'];

export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

/** FerretDB on `port` (state in `dir`, data on PostgreSQL or in `dir`); resolves once it accepts connections. */
export const startFerretDb = async (dir: string, port: number): Promise<ChildProcess> => {
  mkdirSync(join(dir, 'data'), { recursive: true });
  const storage = POSTGRESQL_URL
    ? ['--handler=postgresql', `--postgresql-url=${POSTGRESQL_URL}`]
    : ['--handler=sqlite', `--sqlite-url=file:${dir}/data/`];
  const child = spawn(
    FERRETDB,
    [...storage, `--state-dir=${dir}`, `--listen-addr=127.0.0.1:${port}`, '--debug-addr=-', '--telemetry=disable', '--log-level=WARN'],
    { stdio: 'ignore' },
  );
  for (const deadline = Date.now() + 30_000; !(await accepts(port)); await new Promise((r) => setTimeout(r, 100))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`FerretDB (${FERRETDB}) did not start on port ${port}`);
  }
  return child;
};

/** SIGKILL, and wait until the process is gone. */
export const killHard = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
