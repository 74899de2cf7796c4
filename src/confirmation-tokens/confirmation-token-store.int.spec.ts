import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { confirmationTokenStoreContract } from '../../test/contract/confirmation-token-store.contract.js';
import { openSqliteFile } from '../platform/sqlite/sqlite-file.js';
import { openMongoConfirmationTokenStore } from './mongodb/mongodb-confirmation-token-store.js';
import { SqliteConfirmationTokenStore } from './sqlite/sqlite-confirmation-token-store.js';

const dir = mkdtempSync(join(tmpdir(), 'ledger-confirmation-tokens-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

confirmationTokenStoreContract(
  'embedded SQLite',
  async () => new SqliteConfirmationTokenStore(openSqliteFile(join(dir, 'confirmation-tokens.sqlite'))),
);

const url = process.env['MONGODB_URL'];
if (url) {
  confirmationTokenStoreContract('MongoDB', () => openMongoConfirmationTokenStore(url));
} else {
  describe('MongoDB confirmation-token store', () => {
    it('is tested when MONGODB_URL is set (see .ci/run)', () => {
      expect(url).toBeUndefined();
    });
  });
}
