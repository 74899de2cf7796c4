import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../support/domain-event-fields.js';
import { ERROR_STATUS } from '../../src/domain/ledger-error.js';

/** Rows `| status | \`code\` | when |` of README's `## Errors` table. */
const documented = (): string[] => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((part) => part.startsWith('Errors')) ?? '';
  return [...section.matchAll(/^\|\s*(\d{3})\s*\|\s*`([a-z-]+)`\s*\|/gm)].map((m) => `${m[2]} ${m[1]}`).sort();
};

describe("README's error table", () => {
  // Rendered by the exception filter for anything unexpected; not a LedgerError code.
  const codes = [...Object.entries(ERROR_STATUS).map(([code, status]) => `${code} ${status}`), 'internal-error 500'].sort();

  it('lists every error code with its status, and no other', () => {
    expect(documented()).toEqual(codes);
  });
});
