import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/** Every file under `dir` whose name says it holds tests (`*.spec.*`, `*.test.*`). */
const specFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return specFiles(path);
    return /\.(spec|test)\.[cm]?[jt]sx?$/.test(entry.name) ? [relative(ROOT, path)] : [];
  });

/**
 * jest.config.js has one project per tier, each matching its own suffix: a spec file without
 * one would silently never run.
 */
describe('spec files', () => {
  const files = [...specFiles(join(ROOT, 'src')), ...specFiles(join(ROOT, 'test'))].sort();

  it('are named with a tier suffix (.unit, .int, .e2e, .crash or .cluster + .spec.ts)', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((file) => !/\.(unit|int|e2e|crash|cluster)\.spec\.ts$/.test(file))).toEqual([]);
  });

  it('are all run by jest.config.js', () => {
    const jest = join(ROOT, 'node_modules/jest/bin/jest.js');
    // LEDGER_TEST_CLUSTER: the cluster tier is a project only when asked for.
    const listed = spawnSync(process.execPath, [jest, '--listTests', '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, LEDGER_TEST_CLUSTER: '1' },
    });
    expect(listed.status).toBe(0);
    // A file of the e2e-mongodb project (listed when MONGODB_URL is set) is listed twice.
    const paths = [...new Set((JSON.parse(listed.stdout) as string[]).map((path) => relative(ROOT, path)))].sort();
    expect(paths).toEqual(files);
  }, 60_000);

  it('include every e2e file that jest.config.js runs again on MongoDB', async () => {
    const { MONGODB_E2E } = (await import(join(ROOT, 'jest.config.js'))) as { MONGODB_E2E: string[] };
    expect(MONGODB_E2E.length).toBeGreaterThan(0);
    const missing = MONGODB_E2E.filter((name) => !files.includes(`test/e2e/${name}.e2e.spec.ts`));
    expect(missing).toEqual([]);
  });
});
