import { afterAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { emptySubjectKeyStoreContract, subjectKeyStoreContract } from '../../test/contract/subject-key-store.contract.js';
import { openMongoSubjectKeyStore } from './mongodb/mongodb-subject-key-store.js';
import { StoreUnavailableError } from '../platform/store-errors.js';
import { openSqliteFile } from '../platform/sqlite/sqlite-file.js';
import { openSqliteSubjectKeyStore, SqliteSubjectKeyStore } from './sqlite/sqlite-subject-key-store.js';
import { subjectKeyId } from './subject-key-store.port.js';

const dir = mkdtempSync(join(tmpdir(), 'ledger-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

subjectKeyStoreContract('embedded SQLite', async () => openSqliteSubjectKeyStore(join(dir, 'keys.sqlite')));
emptySubjectKeyStoreContract('embedded SQLite', async () => openSqliteSubjectKeyStore(join(dir, `empty-${randomUUID()}.sqlite`)));

describe('the embedded subject-key store, on disk', () => {
  /** Every file of the store's directory that holds these bytes (keys.sqlite, -wal, -shm). */
  const filesHolding = (storeDir: string, bytes: Buffer): string[] =>
    readdirSync(storeDir).filter((name) => readFileSync(join(storeDir, name)).includes(bytes));
  const aRecord = () => ({ tenantId: 't', subjectId: `s-${randomUUID()}`, wrappedKey: randomBytes(60), masterKeyId: 'm', createdAt: '2026-01-01T00:00:00.000Z' });

  it('leaves the bytes of a deleted key in no file, the -wal file included, while other keys stay', async () => {
    const storeDir = mkdtempSync(join(dir, 'store-'));
    const store = openSqliteSubjectKeyStore(join(storeDir, 'keys.sqlite'));
    const [gone, kept] = [aRecord(), aRecord()];
    await store.insertIfAbsent(gone);
    await store.insertIfAbsent(kept);
    await store.markForShredding(subjectKeyId(gone.tenantId, gone.subjectId), '2026-01-02T00:00:00.000Z');
    expect(filesHolding(storeDir, gone.wrappedKey)).not.toEqual([]);

    await store.delete(subjectKeyId(gone.tenantId, gone.subjectId));

    expect(filesHolding(storeDir, gone.wrappedKey)).toEqual([]);
    expect(filesHolding(storeDir, kept.wrappedKey)).not.toEqual([]);
    await store.close();
  });

  it('says so when a reader keeps the -wal file from being emptied, and empties it at the next open', async () => {
    const storeDir = mkdtempSync(join(dir, 'store-'));
    const path = join(storeDir, 'keys.sqlite');
    const db = openSqliteFile(path, { secureDelete: true });
    db.pragma('busy_timeout = 50');
    const store = new SqliteSubjectKeyStore(db);
    const record = aRecord();
    await store.insertIfAbsent(record);
    const reader = new Database(path, { readonly: true });
    reader.prepare('BEGIN').run();
    reader.prepare('SELECT count(*) FROM subject_keys').get();

    await expect(store.delete(subjectKeyId(record.tenantId, record.subjectId))).rejects.toBeInstanceOf(StoreUnavailableError);
    expect((await store.findMany([subjectKeyId(record.tenantId, record.subjectId)])).size).toBe(0);

    reader.prepare('COMMIT').run();
    reader.close();
    expect(filesHolding(storeDir, record.wrappedKey)).not.toEqual([]);
    // Opened again (by another process, or after a restart; the first connection stays open so
    // that closing it cannot be what empties the -wal file):
    const reopened = openSqliteSubjectKeyStore(path);
    expect(filesHolding(storeDir, record.wrappedKey)).toEqual([]);
    await Promise.all([reopened.close(), store.close()]);
  });
});

const url = process.env['MONGODB_URL'];
if (url) {
  const databases: string[] = [];
  /** The same server, another database of our own. */
  const urlOf = (database: string): string => {
    const other = new URL(url);
    other.pathname = `/${database}`;
    databases.push(database);
    return other.toString();
  };
  afterAll(async () => {
    const client = await new MongoClient(url).connect();
    try {
      for (const database of databases) await client.db(database).dropDatabase();
    } finally {
      await client.close();
    }
  });
  const shared = urlOf(`keys_${randomUUID().slice(0, 8)}`);
  subjectKeyStoreContract('MongoDB', () => openMongoSubjectKeyStore(shared));
  emptySubjectKeyStoreContract('MongoDB', () => openMongoSubjectKeyStore(urlOf(`keys_${randomUUID().slice(0, 8)}`)));
} else {
  describe('MongoDB subject-key store', () => {
    it('is tested when MONGODB_URL is set (see .ci/run)', () => {
      expect(url).toBeUndefined();
    });
  });
}
