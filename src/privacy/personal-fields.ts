/**
 * Which values inside events are personal data, as dotted JSON paths into an event's `data`
 * per event type. Only these are encrypted (crypto-shredding, docs/privacy.md): ids,
 * purposes, times, recipients and legal bases stay clear so that every read model and rule
 * still works after a subject's key is destroyed. Pure: no I/O, no crypto.
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
]);

for (const path of [...PERSONAL_FIELDS.values()].flat()) {
  if (!path.split('.').every((segment) => SEGMENT.test(segment))) throw new Error(`invalid personal field path: ${path}`);
}

/** The personal paths of an event type (none for a type that holds no personal data). */
export const personalPaths = (type: string): readonly string[] => PERSONAL_FIELDS.get(type) ?? [];

/** Every declared personal field as `type/path`, e.g. `consent-given/evidence.contact`. */
export const personalFieldList = (): string[] =>
  [...PERSONAL_FIELDS].flatMap(([type, paths]) => paths.map((path) => `${type}/${path}`));

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value at a dotted path of `data`, or undefined when any step is missing. */
export const valueAt = (data: Readonly<Record<string, unknown>>, path: string): unknown => {
  let current: unknown = data;
  for (const segment of path.split('.')) {
    if (!isRecord(current) || !Object.hasOwn(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
};

/**
 * A copy of `data` with the value at `path` replaced; objects off the path are shared, not
 * copied, and `data` itself is never changed. A path that does not exist is left alone.
 */
export const withValueAt = (data: Readonly<Record<string, unknown>>, path: string, value: unknown): Record<string, unknown> => {
  const [head, ...rest] = path.split('.') as [string, ...string[]];
  if (!Object.hasOwn(data, head)) return { ...data };
  if (rest.length === 0) return { ...data, [head]: value };
  const child = data[head];
  if (!isRecord(child)) return { ...data };
  return { ...data, [head]: withValueAt(child, rest.join('.'), value) };
};

/** One personal value of an event as stored (sealed, or plaintext from before encryption). */
export interface StoredPersonalValue {
  readonly path: string;
  readonly value: unknown;
}

/** The personal values an event holds, in declaration order; absent optional fields are skipped. */
export const storedPersonalValues = (type: string, data: Readonly<Record<string, unknown>>): StoredPersonalValue[] =>
  personalPaths(type).flatMap((path) => {
    const value = valueAt(data, path);
    return value === undefined ? [] : [{ path, value }];
  });
