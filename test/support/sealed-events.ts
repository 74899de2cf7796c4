import type { StoredEvent } from '../../src/event-store/event-store.port.js';
import { fieldAad, sealValue } from '../../src/privacy/field-cipher.js';
import { KeyRing } from '../../src/privacy/personal-data.js';
import { storedPersonalValues, withValueAt } from '../../src/privacy/personal-fields.js';
import { subjectKeyId } from '../../src/key-store/subject-key-store.port.js';

/** The event as the write path stores it: every personal value sealed with `key` (no key store needed). */
export const sealedWith = <E extends StoredEvent>(key: Buffer, event: E): E => {
  let data: Readonly<Record<string, unknown>> = event.data;
  for (const { path, value } of storedPersonalValues(event.type, event.data)) {
    data = withValueAt(data, path, sealValue(key, value, fieldAad(event.id, path)));
  }
  return { ...event, data };
};

/** A key ring holding these subjects' data keys; any other subject reads as erased. */
export const keyRingOf = (
  keys: readonly (readonly [tenantId: string, subjectId: string, key: Buffer])[],
  warn: (message: string) => void = () => undefined,
): KeyRing => new KeyRing(new Map(keys.map(([tenantId, subjectId, key]) => [subjectKeyId(tenantId, subjectId), key])), warn);

/**
 * An exported event (GET /v1/audit/events) as it is stored: the values of `sealed` put back
 * into `data` at their paths, which is what the hash covers (the auditor's step, docs/audit.md).
 */
export const storedFormOf = <E extends { data: Record<string, unknown>; sealed?: Record<string, string> }>(exported: E): Omit<E, 'sealed'> => {
  const { sealed, ...event } = exported;
  let data: Readonly<Record<string, unknown>> = event.data;
  for (const [path, value] of Object.entries(sealed ?? {})) data = withValueAt(data, path, value);
  return { ...event, data } as Omit<E, 'sealed'>;
};
