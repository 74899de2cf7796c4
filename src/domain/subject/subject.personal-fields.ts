/**
 * Which values inside a subject's events are personal data, as dotted JSON paths into an
 * event's `data` per event type. A domain fact: `subject-data-shredded` names these fields,
 * and only these are encrypted (crypto-shredding, docs/privacy.md), so ids, purposes, times,
 * recipients and legal bases stay clear and every read model and rule still works after a
 * subject's key is destroyed.
 */

/** A path segment: a plain JSON key (no dots, so a dotted path is unambiguous). */
const SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The personal paths of each event type. A new event type with free text or contact data
 * adds its line here; every writer seals and every reader opens from this one table.
 */
const PERSONAL_FIELDS: ReadonlyMap<string, readonly string[]> = new Map([
  ['consent-given', ['evidence.ipAddress', 'evidence.userAgent', 'evidence.contact']],
  ['consent-withdrawn', ['reason']],
  ['deletion-requested', ['reason']],
  ['deletion-completed', ['evidence']],
  ['data-transferred', ['reference']],
  ['grievance-lodged', ['description']],
  ['recipient-notified', ['evidence']],
]);

for (const path of [...PERSONAL_FIELDS.values()].flat()) {
  if (!path.split('.').every((segment) => SEGMENT.test(segment))) throw new Error(`invalid personal field path: ${path}`);
}

/** The personal paths of an event type (none for a type that holds no personal data). */
export const personalPaths = (type: string): readonly string[] => PERSONAL_FIELDS.get(type) ?? [];

/** Every declared personal field as `type/path`, e.g. `consent-given/evidence.contact`. */
export const personalFieldList = (): string[] => [...PERSONAL_FIELDS].flatMap(([type, paths]) => paths.map((path) => `${type}/${path}`));
