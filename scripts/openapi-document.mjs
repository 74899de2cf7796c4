#!/usr/bin/env node
// Writes the built ledger's OpenAPI description (what GET /openapi.json answers) to the file
// given as argument, without listening on a port: the app is created from dist/ on a throwaway
// data directory, initialised, asked through Fastify's in-process inject, and closed. The typed
// client (clients/typescript) is generated from this file: `npm run client:generate`, and
// `npm run client:check` compares a fresh one with the committed client.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = process.argv[2];
if (!out) {
  console.error('usage: node scripts/openapi-document.mjs <out.json>');
  process.exit(2);
}
const factory = join(root, 'dist/app.factory.js');
if (!existsSync(factory)) {
  console.error('dist/app.factory.js is missing: run `npm run build` first');
  process.exit(2);
}

const { createLedgerApp } = await import(pathToFileURL(factory).href);
const { parseConfig } = await import(pathToFileURL(join(root, 'dist/config/ledger-config.js')).href);

const dataDir = mkdtempSync(join(tmpdir(), 'ledger-openapi-'));
// Only what the document needs, whatever the caller's environment says (no MongoDB, no
// EventStoreDB): the description is the same on every store. A key is configured so that the
// first start does not print a generated admin key.
const config = parseConfig({
  LEDGER_DATA_DIR: dataDir,
  LEDGER_API_KEYS: JSON.stringify([{ name: 'openapi-document', role: 'admin', tenants: ['*'], key: 'openapi-document-0123456789abcdef' }]),
});
let app;
try {
  app = await createLedgerApp({ config, logger: false });
  await app.init();
  const answer = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/openapi.json' });
  if (answer.statusCode !== 200) throw new Error(`GET /openapi.json answered ${answer.statusCode}: ${answer.body}`);
  // Indented, so that a change of the API shows as a readable diff of the committed copy.
  const text = `${JSON.stringify(JSON.parse(answer.body), null, 2)}\n`;
  const target = resolve(out);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
} finally {
  await app?.close();
  rmSync(dataDir, { recursive: true, force: true });
}
