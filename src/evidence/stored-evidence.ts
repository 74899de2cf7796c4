import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LedgerConfig } from '../config/ledger-config.js';
import type { ReadDocument, ReadStore } from '../read-store/read-store.port.js';
import { loadSigningKey, type SigningKey } from './signing-key.js';
import type { SignedTreeHead } from './tree-head.js';

export const TREE_HEADS_COLLECTION = 'tree_heads';

/** Every signed tree head the ledger stored, for `ledger verify`. */
export const storedTreeHeads = async (store: ReadStore): Promise<SignedTreeHead[]> => {
  await store.prepare([{ name: TREE_HEADS_COLLECTION, indexes: [['treeSize']] }]);
  const heads = await store.find<ReadDocument & SignedTreeHead>(TREE_HEADS_COLLECTION, { orderBy: ['treeSize'] });
  return heads.map(({ treeSize, rootHash, timestamp, signature }) => ({ treeSize, rootHash, timestamp, signature }));
};

/** The configured or already generated key; never generates one (verification must not invent a key). */
export const existingSigningKey = (config: LedgerConfig): SigningKey | null => {
  if (config.signingKey === undefined && !existsSync(join(config.dataDir, 'signing-key.pem'))) return null;
  return loadSigningKey(config.signingKey, config.dataDir);
};
