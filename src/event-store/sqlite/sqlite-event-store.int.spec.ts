import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { eventStoreContract } from '../../../test/contract/event-store.contract.js';
import { openSqliteFile } from '../../platform/sqlite/sqlite-file.js';
import { SqliteEventStore } from './sqlite-event-store.js';

const dir = mkdtempSync(join(tmpdir(), 'ledger-events-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

eventStoreContract('embedded SQLite', async () => new SqliteEventStore(openSqliteFile(join(dir, 'events.sqlite'))));

describe('SqliteEventStore on disk', () => {
  it('keeps appended events across a close and reopen', async () => {
    const path = join(dir, 'reopen.sqlite');
    const first = new SqliteEventStore(openSqliteFile(path));
    const appended = await first.append(
      'subject-acme/s1',
      [
        {
          id: 'e1',
          type: 'consent-given',
          occurredAt: '2026-01-01T00:00:00.000Z',
          recordedAt: '2026-01-01T00:00:00.000Z',
          data: { purposes: ['crm-access'] },
          metadata: { tenantId: 'acme', subjectId: 's1', actor: 'a', correlationId: 'c', causationId: 'c', idempotencyKey: null },
        },
      ],
      'no-stream',
    );
    await first.close();
    const second = new SqliteEventStore(openSqliteFile(path));
    expect(await second.readStream('subject-acme/s1')).toEqual(appended.events);
    await second.close();
  });

  it('stores with synchronous=FULL in WAL mode, so a commit is on disk before it is acknowledged', () => {
    const db = openSqliteFile(join(dir, 'pragmas.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    db.close();
  });
});
