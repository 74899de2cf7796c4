import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idempotencyStoreContract } from '../../test/contract/idempotency-store.contract.js';
import { openSqliteFile } from '../platform/sqlite/sqlite-file.js';
import { openMongoIdempotencyStore } from './mongodb/mongodb-idempotency-store.js';
import { SqliteIdempotencyStore } from './sqlite/sqlite-idempotency-store.js';

const dir = mkdtempSync(join(tmpdir(), 'ledger-idempotency-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

idempotencyStoreContract('embedded SQLite', async () => new SqliteIdempotencyStore(openSqliteFile(join(dir, 'idempotency.sqlite'))));

const url = process.env['MONGODB_URL'];
if (url) {
  idempotencyStoreContract('MongoDB', () => openMongoIdempotencyStore(url));
} else {
  describe('MongoDB idempotency store', () => {
    it('is tested when MONGODB_URL is set (see .ci/run)', () => {
      expect(url).toBeUndefined();
    });
  });
}
