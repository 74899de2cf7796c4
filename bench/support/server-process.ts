import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A server started as a child process, the way an operator would start it. */
export interface ServerProcess {
  readonly pid: number;
  readonly url: string;
  /** SIGTERM, then SIGKILL after 10 s; resolves when the process has exited. */
  stop(): Promise<void>;
}

/** A port nothing listens on right now (the kernel picks it; we release it at once). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

/**
 * Starts `node <script>` with the given environment and waits until `readyPath` answers
 * (any HTTP status: the route may want a key). The child's stderr is kept in memory and
 * printed if it dies early, so a configuration error is not silent.
 */
export const startServer = async (
  script: string,
  env: Readonly<Record<string, string>>,
  readyPath: string,
  port: number,
): Promise<ServerProcess> => {
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode} before it listened:\n${stderr}`);
    try {
      const response = await fetch(`${url}${readyPath}`);
      await response.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${script} did not listen on ${url} within 60 s:\n${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { pid: child.pid ?? -1, url, stop: () => stop(child, exited) };
};

const stop = async (child: ChildProcess, exited: Promise<void>): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
};
