import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MongoClient, type CommandStartedEvent, type Document } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { readStoreContract } from '../../../test/contract/read-store.contract.js';
import { StoreUnavailableError } from '../../platform/store-errors.js';
import type { ReadDocument } from '../read-store.port.js';
import { MongoReadStore, openMongoReadStore } from './mongodb-read-store.js';
import { databaseOf } from '../../platform/mongodb/mongodb-helpers.js';

/**
 * Runs against the server in MONGODB_URL; .ci/run starts a FerretDB (MongoDB wire protocol,
 * PostgreSQL storage) and sets it. Every test opens its own store (and client) on the same
 * database and closes it afterwards; the contract gives each test its own collection.
 */
const url = process.env['MONGODB_URL'];

if (url) {
  readStoreContract('MongoDB', () => openMongoReadStore(url));

  /**
   * After a kill -9 the restarted runner applies the whole gap in one batch, so a batch must
   * not cost a write per document where one insert will do. And no read before writing: on
   * FerretDB a read of many `_id`s fetches the whole collection (see putMany).
   */
  describe('MongoDB read store writes', () => {
    let client: MongoClient;
    const commands: CommandStartedEvent[] = [];
    beforeAll(async () => {
      client = new MongoClient(url, { monitorCommands: true, ignoreUndefined: true });
      client.on('commandStarted', (event) => commands.push(event));
      await client.connect();
    });
    afterAll(async () => {
      await client.close();
    });

    const doc = (id: number, position: number): ReadDocument => ({ _id: `d${id}`, _position: position, v: `at ${position}` });
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
    /** The statements sent for `work`, by command: `{ insert: n, update: n, find: n }`. */
    const writesOf = async (work: () => Promise<void>): Promise<Record<string, number>> => {
      commands.length = 0;
      await work();
      const sent: Record<string, number> = {};
      for (const { commandName, command } of commands) {
        if (commandName === 'find') sent['find'] = (sent['find'] ?? 0) + 1;
        const statements = (command as Document)[commandName === 'insert' ? 'documents' : commandName === 'update' ? 'updates' : ''] as
          unknown[] | undefined;
        if (statements) sent[commandName] = (sent[commandName] ?? 0) + statements.length;
      }
      return sent;
    };

    it('inserts a batch in one command without reading first, and replaces only the documents stored at an older position', async () => {
      const store = new MongoReadStore(client.db(databaseOf(url)));
      const collection = `w_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      expect(
        await writesOf(() =>
          store.putMany(
            collection,
            range(0, 130).map((i) => doc(i, 10)),
          ),
        ),
      ).toEqual({ insert: 130 });
      expect(commands.filter((c) => c.commandName === 'insert')).toHaveLength(1);
      // 0-39 move on, 40-129 are replayed at their stored position, 130-139 are new: the
      // 10 new ones go in with the insert, the 130 taken `_id`s take a guarded replace each.
      const mixed = [
        ...range(0, 40).map((i) => doc(i, 11)),
        ...range(40, 130).map((i) => doc(i, 10)),
        ...range(130, 140).map((i) => doc(i, 11)),
      ];
      expect(await writesOf(() => store.putMany(collection, mixed))).toEqual({ insert: 140, update: 130 });
      // Older versions of all of them change nothing.
      await store.putMany(
        collection,
        range(0, 140).map((i) => doc(i, 9)),
      );
      const stored = await store.getMany<ReadDocument>(
        collection,
        mixed.map((d) => d._id),
      );
      expect(mixed.map((d) => stored.get(d._id))).toEqual(mixed);
    });

    it('keeps the newest version when two writers insert the same new documents at once', async () => {
      const one = new MongoReadStore(client.db(databaseOf(url)));
      const other = new MongoReadStore(client.db(databaseOf(url)));
      const collection = `w_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      // Both read "absent" before either inserts, so one of them collides and must fall back.
      await Promise.all([
        one.putMany(
          collection,
          range(0, 60).map((i) => doc(i, 5)),
        ),
        other.putMany(
          collection,
          range(0, 60).map((i) => doc(i, i % 2 === 0 ? 7 : 3)),
        ),
      ]);
      const stored = await one.find<ReadDocument>(collection, {});
      expect(new Map(stored.map((d) => [d._id, d._position]))).toEqual(new Map(range(0, 60).map((i) => [`d${i}`, i % 2 === 0 ? 7 : 5])));
    });
  });

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
