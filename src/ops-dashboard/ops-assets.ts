import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The dashboard's files, by the name they are served under (/ops/<name>); nothing else is served. */
export const OPS_ASSET_TYPES = {
  'index.html': 'text/html; charset=utf-8',
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
} as const;
export type OpsAssetName = keyof typeof OPS_ASSET_TYPES;

export interface OpsAsset {
  readonly contentType: string;
  readonly body: Buffer;
}

/**
 * The package root: the nearest folder above `moduleUrl` that holds a package.json. tsc does
 * not copy non-TS files, so the assets stay in `public/ops/` at the root and are found from
 * wherever this module runs: `src/` under ts-jest, `dist/` after `npm run build`, `/app/dist`
 * in the image (which copies `public/` next to it).
 */
export const packageRoot = (moduleUrl: string): string | undefined => {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
};

export const opsAssetsDir = (moduleUrl: string): string | undefined => {
  const root = packageRoot(moduleUrl);
  return root === undefined ? undefined : join(root, 'public', 'ops');
};

/**
 * Reads every asset once: they are a few kilobytes and change only with a deploy. A missing
 * file is reported (not thrown): the ledger must start without its dashboard.
 */
export const loadOpsAssets = (dir: string): { assets: Map<OpsAssetName, OpsAsset>; missing: string[] } => {
  const assets = new Map<OpsAssetName, OpsAsset>();
  const missing: string[] = [];
  for (const [name, contentType] of Object.entries(OPS_ASSET_TYPES) as [OpsAssetName, string][]) {
    const path = join(dir, name);
    if (existsSync(path)) assets.set(name, { contentType, body: readFileSync(path) });
    else missing.push(path);
  }
  return { assets, missing };
};
