import { personalPaths } from '../domain/subject/subject.personal-fields.js';

/**
 * Reading and replacing the personal values of an event, at the paths the domain declares
 * personal (domain/subject/subject.personal-fields.ts). Pure: no I/O, no crypto.
 */

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
