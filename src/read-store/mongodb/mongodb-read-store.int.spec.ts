import { describe, expect, it } from '@jest/globals';
import { readStoreContract } from '../../../test/contract/read-store.contract.js';
import { StoreUnavailableError } from '../../event-store/event-store.port.js';
import { openMongoReadStore } from './mongodb-read-store.js';

/**
 * Runs against the server in MONGODB_URL; .ci/run starts a FerretDB (MongoDB wire protocol,
 * SQLite storage) and sets it. Every test opens its own store (and client) on the same
 * database and closes it afterwards; the contract gives each test its own collection.
 */
const url = process.env['MONGODB_URL'];

if (url) {
  readStoreContract('MongoDB', () => openMongoReadStore(url));

  describe('MongoDB read store connection', () => {
    it('reports an unreachable server as StoreUnavailableError', async () => {
      const opening = openMongoReadStore('mongodb://127.0.0.1:1/ledger_unreachable', { serverSelectionTimeoutMS: 500 });
      await expect(opening.then((store) => store.close().then(() => store))).rejects.toBeInstanceOf(StoreUnavailableError);
    });
  });
} else {
  describe('MongoDB read store', () => {
    it('is tested when MONGODB_URL is set (see .ci/run)', () => {
      expect(url).toBeUndefined();
    });
  });
}
