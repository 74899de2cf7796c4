import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../support/domain-event-fields.js';
import { personalFieldList } from '../../src/domain/subject/subject.personal-fields.js';

/** docs/privacy.md's table of encrypted fields as `type/path` entries. */
const documented = (): string[] => {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'privacy.md'), 'utf8');
  const section = doc.split(/^## /m).find((part) => part.startsWith('What is encrypted')) ?? '';
  return [...section.matchAll(/^\|\s*`([a-z-]+)`\s*\|([^|]*)\|/gm)]
    .flatMap(([, type, paths]) => [...paths!.matchAll(/`([A-Za-z0-9_.]+)`/g)].map((m) => `${type}/${m[1]}`))
    .sort();
};

describe('docs/privacy.md, what is encrypted', () => {
  it('lists exactly the fields of the personal-field map', () => {
    expect(documented()).toEqual(personalFieldList().sort());
  });
});
