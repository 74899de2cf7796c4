#!/usr/bin/env node
// Fails on a cycle between the top-level folders of src/ (src/commands -> src/http -> src/commands),
// which dependency-cruiser's rules do not see: they judge modules, and its folder scope judges
// each nested folder on its own. Runs dependency-cruiser with the repository's configuration,
// folds every import of production code (specs are leaves: nothing imports them) into an edge
// between top-level folders (files directly in src/ count as one folder, the root), and
// reports each strongly connected group of folders with the imports that make it.
// Imports listed in .dependency-cruiser-known-violations.json are left out, as
// `depcruise --ignore-known` leaves them out of the rules.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cruiser = fileURLToPath(new URL('../node_modules/dependency-cruiser/bin/dependency-cruise.mjs', import.meta.url));
const knownFile = `${root}.dependency-cruiser-known-violations.json`;

const run = spawnSync(process.execPath, [cruiser, 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], {
  cwd: root,
  encoding: 'utf8',
  maxBuffer: 256 * 1024 * 1024,
});
if (run.error || !run.stdout) {
  console.error(`could not run dependency-cruiser: ${run.error?.message ?? run.stderr}`);
  process.exit(2);
}
const { modules } = JSON.parse(run.stdout);

const known = new Set(
  existsSync(knownFile) ? JSON.parse(readFileSync(knownFile, 'utf8')).map((v) => `${v.from} -> ${v.to}`) : [],
);
const isSpec = (path) => /\.spec\.ts$/.test(path);
const folderOf = (path) => {
  const match = /^src\/([^/]+)\//.exec(path);
  if (match) return match[1];
  return path.startsWith('src/') ? '(root)' : undefined;
};

/** folder -> folder -> example imports */
const edges = new Map();
for (const module of modules) {
  const from = folderOf(module.source);
  if (from === undefined || isSpec(module.source)) continue;
  for (const dependency of module.dependencies) {
    const to = folderOf(dependency.resolved);
    if (to === undefined || to === from || known.has(`${module.source} -> ${dependency.resolved}`)) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    const targets = edges.get(from);
    if (!targets.has(to)) targets.set(to, []);
    targets.get(to).push(`${module.source} -> ${dependency.resolved}`);
  }
}

// Tarjan's strongly connected components.
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const groups = [];
let next = 0;
const visit = (folder) => {
  index.set(folder, next);
  low.set(folder, next);
  next++;
  stack.push(folder);
  onStack.add(folder);
  for (const target of edges.get(folder)?.keys() ?? []) {
    if (!index.has(target)) {
      visit(target);
      low.set(folder, Math.min(low.get(folder), low.get(target)));
    } else if (onStack.has(target)) {
      low.set(folder, Math.min(low.get(folder), index.get(target)));
    }
  }
  if (low.get(folder) === index.get(folder)) {
    const group = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      group.push(member);
    } while (member !== folder);
    if (group.length > 1) groups.push(group.sort());
  }
};
for (const folder of edges.keys()) if (!index.has(folder)) visit(folder);

if (groups.length === 0) {
  console.log(`no cycle between the top-level folders of src/ (${edges.size} folders with imports).`);
  process.exit(0);
}
for (const group of groups) {
  console.error(`cycle between folders: ${group.join(', ')}`);
  for (const from of group) {
    for (const [to, imports] of edges.get(from) ?? []) {
      if (!group.includes(to)) continue;
      console.error(`  ${from} -> ${to}:`);
      for (const line of imports) console.error(`    ${line}`);
    }
  }
}
process.exit(1);
