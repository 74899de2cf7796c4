import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { domainCommandTypes, REPO_ROOT } from '../support/domain-event-fields.js';
import { ledgerMetricNamesInSource } from '../support/registered-metrics.js';

/** Metric names registered anywhere in the source (`name: 'ledger_...'`), specs left out. */
const registered = ledgerMetricNamesInSource;

/** The first column of docs/operations.md's metrics table. */
const documented = (): string[] =>
  [...readFileSync(join(REPO_ROOT, 'docs', 'operations.md'), 'utf8').matchAll(/^\|\s*`(ledger_[a-z0-9_]+)`\s*\|/gm)]
    .map((m) => m[1]!)
    .sort();

describe('docs/operations.md metrics table', () => {
  it('finds the registered metrics', () => {
    expect(registered()).toContain('ledger_commands_total');
  });

  it('describes exactly the metrics the ledger registers', () => {
    expect(documented()).toEqual(registered());
  });
});

describe('the ledger_commands_total row of docs/operations.md', () => {
  const row =
    readFileSync(join(REPO_ROOT, 'docs', 'operations.md'), 'utf8')
      .split('\n')
      .find((line) => line.startsWith('| `ledger_commands_total`')) ?? '';

  it('finds the command types in the domain', () => {
    expect(domainCommandTypes()).toEqual(expect.arrayContaining(['give-consent', 'lodge-grievance', 'publish-policy']));
  });

  it('names every command type, the values of its `command` label', () => {
    expect(domainCommandTypes().filter((type) => !row.includes(`\`${type}\``))).toEqual([]);
  });
});
