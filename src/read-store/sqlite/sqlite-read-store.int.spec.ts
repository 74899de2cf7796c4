import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStoreContract } from '../../../test/contract/read-store.contract.js';
import { openSqliteFile } from '../../platform/sqlite/sqlite-file.js';
import { SqliteReadStore } from './sqlite-read-store.js';

const dir = mkdtempSync(join(tmpdir(), 'ledger-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

readStoreContract('embedded SQLite', async () => new SqliteReadStore(openSqliteFile(join(dir, 'read-models.sqlite'))));

describe('the embedded read store’s indexed fields', () => {
  it('gives a table from before the field columns its columns, filled from the stored JSON, and indexes them', async () => {
    const db = openSqliteFile(':memory:', { synchronous: 'NORMAL' });
    db.exec('CREATE TABLE rm_old (id TEXT PRIMARY KEY, position INTEGER NOT NULL, doc TEXT NOT NULL)');
    db.exec(`CREATE INDEX rm_old__tenantId ON rm_old (json_extract(doc, '$.tenantId'))`);
    db.prepare('INSERT INTO rm_old VALUES (?, ?, ?)').run('a', 1, JSON.stringify({ _id: 'a', _position: 1, tenantId: 'acme', done: true }));
    const store = new SqliteReadStore(db);
    await store.prepare([{ name: 'old', indexes: [['tenantId'], ['done']] }]);
    expect(db.prepare('SELECT f_tenantId AS t, f_done AS d FROM rm_old').get()).toEqual({ t: 'acme', d: 1 });
    const indexes = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'rm_old' AND sql IS NOT NULL").all();
    expect(indexes).toEqual([
      { sql: 'CREATE INDEX rm_old__tenantId ON rm_old (f_tenantId)' },
      { sql: 'CREATE INDEX rm_old__done ON rm_old (f_done)' },
    ]);
    await store.putMany('old', [{ _id: 'b', _position: 2, tenantId: 'globex', done: false }]);
    expect((await store.find('old', { where: { tenantId: 'globex', done: false } })).map((d) => d._id)).toEqual(['b']);
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT doc FROM rm_old WHERE f_tenantId = 'acme'").all() as { detail: string }[];
    expect(plan.map((row) => row.detail).join(' ')).toContain('USING INDEX rm_old__tenantId');
    await store.close();
  });
});
