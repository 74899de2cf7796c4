import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { domainEvents, REPO_ROOT } from '../support/domain-event-fields.js';
import { POLICY_EVENT_TYPES } from '../../src/domain/policy/policy.events.js';
import { SUBJECT_EVENT_TYPES } from '../../src/domain/subject/subject.events.js';
import { SUBSCRIPTION_EVENT_TYPES } from '../../src/domain/webhooks/subscription.events.js';

const CATALOGUE = readFileSync(join(REPO_ROOT, 'docs', 'events.md'), 'utf8');

/** The catalogue's sections: `## \`type\`` headings with the text up to the next `## `. */
const sections = (): Map<string, string> => {
  const found = new Map<string, string>();
  const parts = CATALOGUE.split(/^## /m).slice(1);
  for (const part of parts) {
    const heading = /^`([a-z][a-z0-9-]*)`\s*$/m.exec(part.split('\n', 1)[0]!);
    if (heading) found.set(heading[1]!, part);
  }
  return found;
};

/** The first-column field names of a section's `data` table. */
const documentedFields = (section: string): Set<string> =>
  new Set([...section.matchAll(/^\|\s*`([A-Za-z0-9_.]+)`\s*\|/gm)].map((m) => m[1]!));

describe('docs/events.md, the event catalogue', () => {
  const events = domainEvents();

  it('reads the events from the domain types (the lists the code keeps agree)', () => {
    expect(events.map((e) => e.type).sort()).toEqual([...SUBJECT_EVENT_TYPES, ...POLICY_EVENT_TYPES, ...SUBSCRIPTION_EVENT_TYPES].sort());
    expect(events.find((e) => e.type === 'data-transferred')?.fields).toEqual(
      expect.arrayContaining(['transferId', 'recipient.id', 'recipient.kind', 'dataCategories', 'reference']),
    );
  });

  it('has a section for every event type the domain declares, and none for a type it does not', () => {
    expect([...sections().keys()].sort()).toEqual(events.map((e) => e.type).sort());
  });

  it.each(events.map((e) => [e.type, e] as const))('describes every data field of %s', (type, event) => {
    const section = sections().get(type) ?? '';
    const documented = documentedFields(section);
    // A documented parent (`evidence`) may describe its children in words.
    const missing = event.fields.filter((field) => !documented.has(field) && !documented.has(field.split('.')[0]!));
    expect(missing).toEqual([]);
  });
});
