import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../support/domain-event-fields.js';
import { parseConfig } from '../../src/config/ledger-config.js';

/** The names parseConfig looks up, recorded by an environment that watches every read. */
const variablesRead = (): string[] => {
  const read = new Set<string>();
  const env = new Proxy({} as Record<string, string | undefined>, {
    get: (_target, name) => {
      if (typeof name === 'string') read.add(name);
      return undefined;
    },
    has: (_target, name) => {
      if (typeof name === 'string') read.add(name);
      return false;
    },
  });
  parseConfig(env);
  return [...read].sort();
};

/** The first column of the table under README's `## Configuration`. */
const readmeTable = (): string[] => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((part) => part.startsWith('Configuration')) ?? '';
  return [...section.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/gm)].map((m) => m[1]!).sort();
};

describe('README configuration table', () => {
  it('sees the variables the configuration reads', () => {
    expect(variablesRead()).toEqual(expect.arrayContaining(['PORT', 'LEDGER_DATA_DIR', 'MONGODB_URL', 'LEDGER_PROJECTION_LEASE_TTL_MS']));
  });

  it('lists every variable the configuration reads', () => {
    const listed = new Set(readmeTable());
    expect(variablesRead().filter((name) => !listed.has(name))).toEqual([]);
  });

  it('lists no variable the configuration does not read', () => {
    const read = new Set(variablesRead());
    expect(readmeTable().filter((name) => !read.has(name))).toEqual([]);
  });
});
