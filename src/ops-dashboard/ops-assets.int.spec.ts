import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from '@jest/globals';
import { loadOpsAssets, opsAssetsDir, packageRoot } from './ops-assets.js';

const REPO = join(import.meta.dirname, '..', '..');
const moduleAt = (...parts: string[]): string => pathToFileURL(join(...parts)).href;

describe('finding the dashboard files', () => {
  const temps: string[] = [];
  const temp = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'ops-assets-'));
    temps.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['src/ (ts-jest)', ['src', 'ops-dashboard', 'ops-dashboard.controller.ts']],
    ['dist/ (npm start)', ['dist', 'ops-dashboard', 'ops-dashboard.controller.js']],
    ['dist-bench/src/ (the benchmarks build)', ['dist-bench', 'src', 'ops-dashboard', 'ops-dashboard.controller.js']],
  ])('resolves public/ops at the package root from a module in %s', (_where, parts) => {
    expect(packageRoot(moduleAt(REPO, ...parts))).toBe(REPO);
    expect(opsAssetsDir(moduleAt(REPO, ...parts))).toBe(join(REPO, 'public', 'ops'));
  });

  it('stops at the nearest package.json above the module', () => {
    const root = temp();
    writeFileSync(join(root, 'package.json'), '{}');
    mkdirSync(join(root, 'app', 'dist', 'ops-dashboard'), { recursive: true });
    writeFileSync(join(root, 'app', 'package.json'), '{}');
    expect(packageRoot(moduleAt(root, 'app', 'dist', 'ops-dashboard', 'x.js'))).toBe(join(root, 'app'));
  });

  it("loads the repository's page, script and stylesheet with their content types", () => {
    const { assets, missing } = loadOpsAssets(join(REPO, 'public', 'ops'));
    expect(missing).toEqual([]);
    expect([...assets].map(([name, asset]) => [name, asset.contentType])).toEqual([
      ['index.html', 'text/html; charset=utf-8'],
      ['dashboard.js', 'text/javascript; charset=utf-8'],
      ['dashboard.css', 'text/css; charset=utf-8'],
    ]);
    expect(assets.get('index.html')?.body.toString('utf8')).toContain('<script type="module" src="/ops/dashboard.js"></script>');
  });

  it('reports the files it cannot find instead of throwing, so the ledger starts without its dashboard', () => {
    const dir = temp();
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    const { assets, missing } = loadOpsAssets(dir);
    expect([...assets.keys()]).toEqual(['index.html']);
    expect(missing).toEqual([join(dir, 'dashboard.js'), join(dir, 'dashboard.css')]);
  });
});
