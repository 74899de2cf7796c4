import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aSubjectStream, type SubjectStream } from '../../../test/support/stored-events.js';
import type { NewEvent, ReadAllOptions, StoredEvent } from '../../event-store/event-store.port.js';
import { SqliteEventStore } from '../../event-store/sqlite/sqlite-event-store.js';
import { openSqliteSubjectKeyStore, type SqliteSubjectKeyStore } from '../../key-store/sqlite/sqlite-subject-key-store.js';
import { openSqliteFile } from '../../platform/sqlite/sqlite-file.js';
import { ERASED, SEALED_PREFIX, UNREADABLE } from '../../privacy/field-cipher.js';
import { masterKeyFrom } from '../../privacy/master-key.js';
import { PersonalData, UnwrapMemo } from '../../privacy/personal-data.js';
import { exportedEvent, ndjsonStream } from './ndjson.js';

const clock = { now: () => new Date('2026-01-01T00:00:00.000Z') };

const asNew = ({ streamId: _s, streamPosition: _p, globalPosition: _g, ...event }: StoredEvent): NewEvent => event;

const readText = async (stream: NodeJS.ReadableStream): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
};

describe('the audit export on the embedded stores', () => {
  let dir: string;
  let store: SqliteEventStore;
  let keys: SqliteSubjectKeyStore;
  let personal: PersonalData;
  let warnings: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-audit-export-'));
    store = new SqliteEventStore(openSqliteFile(join(dir, 'events.sqlite')));
    keys = openSqliteSubjectKeyStore(join(dir, 'keys.sqlite'));
    personal = new PersonalData(keys, masterKeyFrom(randomBytes(32), 'test'), clock);
    warnings = [];
    (personal as unknown as { logger: { warn: (m: string) => void } }).logger = { warn: (message: string) => warnings.push(message) };
  });
  afterEach(async () => {
    await store.close();
    await keys.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Appends a subject's events as the write path does: personal values sealed first. */
  const write = async (subject: SubjectStream, events: readonly StoredEvent[], sealed = true): Promise<void> => {
    const fresh = events.map(asNew);
    const stored = sealed ? await personal.seal(subject.tenantId, subject.subjectId, fresh) : fresh;
    await store.append(subject.streamId, stored, 'any');
  };

  /** The export as one JSON.stringify per parsed, opened event: the lines before the raw path. */
  const parsedExport = async (options: ReadAllOptions): Promise<string> => {
    let text = '';
    for await (const event of store.readAll(options)) {
      const [opened] = await personal.openEvents([event]);
      text += `${JSON.stringify(exportedEvent(event, opened))}\n`;
    }
    return text;
  };

  const rawExport = async (options: ReadAllOptions): Promise<string> => {
    const memo = new UnwrapMemo();
    return readText(ndjsonStream(store.readAllRaw(options), (subjects) => personal.keyRing(subjects, memo)));
  };

  it('gives the same bytes, line for line, as serialising every parsed event, for sealed, shredded and plain events', async () => {
    const tenant = `tenant-${randomUUID()}`;
    const kept = aSubjectStream({ tenantId: tenant });
    const shredded = aSubjectStream({ tenantId: tenant });
    const legacy = aSubjectStream({ tenantId: tenant });
    const other = aSubjectStream();
    const odd = 'quote " backslash \\ tab \t control \u0001 é 😀 line separator \u2028 </script>';
    // Sealed values (three in one consent), events with none, an odd text in and out of personal fields.
    await write(kept, [
      kept.consentGiven({ evidence: { ipAddress: '203.0.113.9', userAgent: odd, contact: 'a@example.com' } }),
      kept.dataTransferred({ reference: odd }),
      kept.dataTransferred(),
      kept.otherEvent('note-taken', { note: odd, '2': 'integer-like key', nested: { n: [1.5, 1e21, -0, null] } }),
      // The sealed prefix outside the personal fields: never opened, never in `sealed`.
      kept.otherEvent('note-taken', { note: `${SEALED_PREFIX}not sealed` }),
      kept.dataTransferred({ country: `${SEALED_PREFIX}not sealed`, reference: 'sealed' }),
    ]);
    // Shredded: sealed values whose key is then destroyed ("[erased]").
    await write(shredded, [shredded.consentGiven({ evidence: { contact: 'b@example.com' } }), shredded.consentWithdrawn({ reason: odd })]);
    const deletionId = randomUUID();
    await write(shredded, [
      shredded.deletionRequested({ deletionId }),
      shredded.deletionCompleted({ deletionId, system: 'crm', evidence: 'job 1' }),
    ]);
    await personal.shred(shredded.tenantId, shredded.subjectId);
    await write(shredded, [shredded.otherEvent('subject-data-shredded', { deletionId, shreddedAt: '2026-01-02T00:00:00.000Z' })]);
    // Written before encryption: personal values in clear; and a value sealed for another event ("[unreadable]").
    await write(legacy, [legacy.dataTransferred({ reference: 'clear text' })], false);
    await write(legacy, [legacy.dataTransferred({ reference: 'moved' })]);
    const [moved] = await store.readStream(legacy.streamId).then((events) => events.slice(-1));
    await write(legacy, [legacy.dataTransferred({ reference: moved!.data['reference'] as string })], false);
    // Enough events of another tenant for several pages of the store.
    for (let i = 0; i < 5; i++) {
      await write(
        other,
        Array.from({ length: 500 }, (_, n) =>
          n % 3 === 0 ? other.dataTransferred({ reference: `ref ${i}-${n}` }) : other.dataTransferred(),
        ),
      );
    }

    const all = await rawExport({});
    expect(all).toBe(await parsedExport({}));
    expect(all.split('\n')).toHaveLength(2500 + 14 + 1);
    for (const options of [{ tenantId: tenant }, { tenantIds: [tenant, other.tenantId], fromPosition: 3, limit: 1700 }]) {
      expect(await rawExport(options)).toBe(await parsedExport(options));
    }

    // The export covers each case it claims to.
    const lines = (await rawExport({ tenantId: tenant })).trimEnd().split('\n');
    expect(lines).toHaveLength(14);
    const exported = lines.map((line) => JSON.parse(line) as { data: Record<string, unknown>; sealed?: Record<string, string> });
    expect(exported[0]!.data['evidence']).toEqual({ ipAddress: '203.0.113.9', userAgent: odd, contact: 'a@example.com' });
    expect(exported[2]!.sealed).toBeUndefined();
    expect(exported[3]!.data['note']).toBe(odd);
    expect(exported[4]!.sealed).toBeUndefined();
    expect(Object.keys(exported[5]!.sealed!)).toEqual(['reference']);
    expect(exported[7]!.data['reason']).toBe(ERASED);
    expect(exported[11]!.data['reference']).toBe('clear text');
    expect(exported[13]!.data['reference']).toBe(UNREADABLE);
    expect(warnings.length).toBeGreaterThan(0);
  });
});
