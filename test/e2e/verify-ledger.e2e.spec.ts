import { afterEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/ledger-config.js';
import { existingSigningKey } from '../../src/evidence/stored-evidence.js';
import { verifyLedger } from '../../src/evidence/verify-ledger.js';
import { openEventStore, openReadStore } from '../../src/stores/open-stores.js';
import { mongoFor, newDataDir, removeDataDir, startLedger } from '../support/ledger-app.js';
import { lastPosition } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';

/** `ledger verify` over raw storage: events, chains, the Merkle root and every stored tree head. */
describe('verifying the whole ledger with its stored tree heads', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach(removeDataDir));

  const seeded = async () => {
    const dataDir = newDataDir();
    dirs.push(dataDir);
    const ledger = await startLedger({ dataDir });
    try {
      let at = 0;
      for (let i = 0; i < 4; i++) {
        const path = subjectPath(newTenant(), newSubject());
        await ledger.post(`${path}/consents`, consentBody());
        at = lastPosition(await ledger.post(`${path}/transfers`, transferBody()));
      }
      const full = await ledger.get(`/v1/audit/tree-head?atLeast=${at}`);
      const earlier = await ledger.get('/v1/audit/tree-head?treeSize=3');
      return { dataDir, full: full.body, earlier: earlier.body };
    } finally {
      await ledger.close();
    }
  };

  const verify = async (dataDir: string) => {
    const config = parseConfig({ ...mongoFor(dataDir), LEDGER_DATA_DIR: dataDir });
    const events = await openEventStore(config);
    const readStore = await openReadStore(config);
    try {
      return await verifyLedger(events, readStore, existingSigningKey(config)?.publicKey ?? null);
    } finally {
      await Promise.all([events.close(), readStore.close()]);
    }
  };

  it('accepts an untouched ledger and reports the root the signed head holds', async () => {
    const { dataDir, full } = await seeded();
    const result = await verify(dataDir);
    expect(result).toMatchObject({ ok: true, leaves: 8, treeHeads: 2, merkleRoot: full.rootHash });
  });

  it('names an event whose stored bytes were changed, even though its head was signed before', async () => {
    const { dataDir } = await seeded();
    const db = new Database(join(dataDir, 'events.sqlite'));
    const row = db.prepare('SELECT global_position, data FROM events ORDER BY global_position LIMIT 1 OFFSET 1').get() as {
      global_position: number;
      data: string;
    };
    db.prepare('UPDATE events SET data = ? WHERE global_position = ?').run(row.data.replace('SG', 'US'), row.global_position);
    db.close();
    const result = await verify(dataDir);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/hash mismatch/);
  });

  it('names a stored tree head whose root was forged', async () => {
    const { dataDir, earlier } = await seeded();
    // The forger rewrites one stored head in the read store (through its own port, so this
    // works on SQLite and MongoDB alike), keeping the old signature.
    const config = parseConfig({ ...mongoFor(dataDir), LEDGER_DATA_DIR: dataDir });
    const readStore = await openReadStore(config);
    try {
      const [stored] = await readStore.find('tree_heads', { where: { treeSize: 3 } });
      const forgedRoot = earlier.rootHash.replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
      await readStore.putMany('tree_heads', [{ ...stored!, _position: stored!._position + 1, rootHash: forgedRoot }]);
    } finally {
      await readStore.close();
    }
    const forged = await verify(dataDir);
    expect(forged).toEqual({ ok: false, reason: expect.stringMatching(/tree head of size 3 .*bad signature/) });
  });
});
