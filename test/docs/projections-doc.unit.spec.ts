import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../support/domain-event-fields.js';
import { PROJECTIONS } from '../../src/app.projections.js';

/** Rows of docs/architecture.md's projection table: `| \`name\` | \`collection\` | ...`. */
const documented = (): string[] =>
  [...readFileSync(join(REPO_ROOT, 'docs', 'architecture.md'), 'utf8').matchAll(/^\|\s*`([a-z-]+)`\s*\|\s*`([a-z_]+)`\s*\|/gm)]
    .map((m) => `${m[1]} ${m[2]}`)
    .sort();

describe('docs/architecture.md projection table', () => {
  it('lists exactly the projections the runner keeps, with their collections', () => {
    expect(documented()).toEqual(PROJECTIONS.map((p) => `${p.name} ${p.collection.name}`).sort());
  });
});
