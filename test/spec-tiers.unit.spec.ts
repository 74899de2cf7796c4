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

  it('are named with a tier suffix (.unit, .int, .e2e or .crash + .spec.ts)', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((file) => !/\.(unit|int|e2e|crash)\.spec\.ts$/.test(file))).toEqual([]);
  });

  it('are all run by jest.config.js', () => {
    const jest = join(ROOT, 'node_modules/jest/bin/jest.js');
    const listed = spawnSync(process.execPath, [jest, '--listTests', '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(listed.status).toBe(0);
    const paths = (JSON.parse(listed.stdout) as string[]).map((path) => relative(ROOT, path)).sort();
    expect(paths).toEqual(files);
  }, 60_000);
});
