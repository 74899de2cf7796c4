import { afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStoreContract } from '../../../test/contract/read-store.contract.js';
import { openSqliteFile } from '../../platform/sqlite/sqlite-file.js';
import { SqliteReadStore } from './sqlite-read-store.js';

const dir = mkdtempSync(join(tmpdir(), 'ledger-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

readStoreContract('embedded SQLite', async () => new SqliteReadStore(openSqliteFile(join(dir, 'read-models.sqlite'))));
