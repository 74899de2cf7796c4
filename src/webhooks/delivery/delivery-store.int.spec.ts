import { afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deliveryStoreContract } from '../../../test/contract/delivery-store.contract.js';
import { openSqliteFile } from '../../platform/sqlite/sqlite-file.js';
import { openMongoReadStore } from '../../read-store/mongodb/mongodb-read-store.js';
import { SqliteReadStore } from '../../read-store/sqlite/sqlite-read-store.js';
import { ReadStoreDeliveryStore } from './read-store-delivery-store.js';

const dir = mkdtempSync(join(tmpdir(), 'ledger-deliveries-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

deliveryStoreContract('embedded SQLite read store', async () => {
  const readStore = new SqliteReadStore(openSqliteFile(join(dir, 'read-models.sqlite')));
  return { store: new ReadStoreDeliveryStore(readStore), close: () => readStore.close() };
});

// .ci/run sets MONGODB_URL (a FerretDB); without it only the embedded store runs here.
const url = process.env['MONGODB_URL'];
if (url) {
  deliveryStoreContract('MongoDB read store', async () => {
    const readStore = await openMongoReadStore(url);
    return { store: new ReadStoreDeliveryStore(readStore), close: () => readStore.close() };
  });
}
