import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The ledger compiled once per test run (tsc, like `npm run build`) into `dist-test/`, for the
 * tests that run it as a child process (the crash tests, the built CLI). Jest's global setup
 * starts the build; it is reused while no source file is newer, and built under a lock so that
 * parallel Jest workers wait for that one build instead of compiling again.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const OUT = join(ROOT, 'dist-test');
const STAMP = join(OUT, '.built-at');
const LOCK = join(ROOT, '.dist-test.lock');

/** @param {string} dir @returns {number} */
const newestSource = (dir) => {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
};

/** @returns {boolean} */
const upToDate = () =>
  existsSync(STAMP) &&
  Number(readFileSync(STAMP, 'utf8')) >=
    Math.max(
      newestSource(join(ROOT, 'src')),
      statSync(join(ROOT, 'tsconfig.build.json')).mtimeMs,
      statSync(join(ROOT, 'tsconfig.json')).mtimeMs,
    );

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Compiles src/ into dist-test/ unless an up-to-date build is there.
 * @returns {Promise<string>} the entry point, dist-test/main.js
 */
export const buildLedger = async () => {
  const main = join(OUT, 'main.js');
  for (const deadline = Date.now() + 180_000; ;) {
    if (upToDate()) return main;
    try {
      mkdirSync(LOCK);
    } catch {
      // Another worker builds; a lock older than 3 minutes is left over from a killed run.
      if (Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 180_000)
        rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${LOCK}`);
      await sleep(500);
      continue;
    }
    try {
      if (upToDate()) return main;
      const started = Date.now();
      rmSync(OUT, { recursive: true, force: true });
      const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
      /** @type {{ code: number | null; output: string }} */
      const result = await new Promise((done) => {
        const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', OUT], { cwd: ROOT });
        let output = '';
        child.stdout.on('data', (d) => (output += d.toString()));
        child.stderr.on('data', (d) => (output += d.toString()));
        child.on('close', (code) => done({ code, output }));
      });
      if (result.code !== 0) throw new Error(`building the ledger for the tests failed:\n${result.output}`);
      writeFileSync(STAMP, String(started));
      return main;
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
};
