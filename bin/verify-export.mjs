#!/usr/bin/env node
// Standalone verifier for a privacy-ledger export.
//
//   node verify-export.mjs --events export.ndjson --tree-head head.json --public-key key.pem
//
// Deliberately a single file with no dependencies beyond Node >= 20 built-ins (node:crypto,
// node:fs, node:readline): an auditor copies this one file, reads all of it, and runs it
// without trusting the ledger's code or its node_modules.
//
// Checks, in this order, stopping at the first failure:
//   1. the tree head is well formed and its Ed25519 signature verifies under the public key
//      (the head is authenticated before its treeSize and rootHash are relied on);
//   2. each event, in file order: its hash recomputed from its content as stored (personal
//      values are exported opened in `data`, or "[erased]" once shredded, and as stored in
//      `sealed`: those are put back first); its stream's prevHash chain and streamPosition
//      sequence 0, 1, 2...; globalPosition strictly increasing;
//   3. the export holds at least treeSize events, and the RFC 9162 Merkle root over the
//      first treeSize event hashes (leaf = SHA-256(0x00 || hash)) equals rootHash.
// Exit 0 with a summary on stdout; exit 1 naming the first failure on stderr; exit 2 on
// wrong usage or unreadable files.

import { createHash, createPublicKey, verify } from 'node:crypto';
import { accessSync, constants, createReadStream, readFileSync } from 'node:fs';

const GENESIS_HASH = '0'.repeat(64);
const HEX_HASH = /^[0-9a-f]{64}$/;

class VerificationFailure extends Error {}
const fail = (message) => {
  throw new VerificationFailure(message);
};

// ---------------------------------------------------------------------------------------
// RFC 8785 JSON Canonicalization Scheme. Inlined rather than imported (the ledger signs with
// the `canonicalize` npm package) so this file stays single and dependency-free. JCS
// serialises strings and numbers exactly as ECMAScript JSON.stringify does, so that is used
// for the leaves; object keys are sorted by UTF-16 code units, which is what the default
// Array.prototype.sort comparator does; no whitespace anywhere.
// ---------------------------------------------------------------------------------------
const canonicalJson = (value) => {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('JCS forbids NaN and Infinity');
    return JSON.stringify(value);
  }
  if (typeof value === 'string') {
    if (!value.isWellFormed()) throw new Error('JCS forbids lone surrogates');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const members = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort()
      .map((key) => `${canonicalJson(key)}:${canonicalJson(value[key])}`);
    return `{${members.join(',')}}`;
  }
  throw new Error(`JCS cannot represent a ${typeof value}`);
};

const sha256 = (...parts) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

// ---------------------------------------------------------------------------------------
// RFC 9162 / RFC 6962 Merkle tree hash, computed incrementally: one hash per complete
// subtree (the set bits of the leaf count), so memory stays O(log n) for any export size.
// ---------------------------------------------------------------------------------------
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

const createMerkleAccumulator = () => {
  const stack = [];
  let count = 0;
  return {
    push(eventHash) {
      let hash = sha256(LEAF_PREFIX, eventHash);
      for (let c = count; c % 2 === 1; c = Math.floor(c / 2)) hash = sha256(NODE_PREFIX, stack.pop(), hash);
      stack.push(hash);
      count += 1;
    },
    get size() {
      return count;
    },
    root() {
      if (stack.length === 0) return sha256();
      return stack.reduceRight((right, left) => sha256(NODE_PREFIX, left, right));
    },
  };
};

// ---------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------
const USAGE = 'usage: node verify-export.mjs --events <export.ndjson> --tree-head <head.json> --public-key <key.pem>';

const parseArgs = (argv) => {
  const options = {};
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1];
    const name = { '--events': 'events', '--tree-head': 'treeHead', '--public-key': 'publicKey' }[flag];
    if (name === undefined || value === undefined || name in options) return null;
    options[name] = value;
  }
  return options.events && options.treeHead && options.publicKey ? options : null;
};

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const isCount = (value) => Number.isSafeInteger(value) && value >= 0;

const loadPublicKey = (pem) => {
  let key;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (error) {
    fail(`public key: not a PEM public key (${error.message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') fail(`public key: expected Ed25519, got ${key.asymmetricKeyType}`);
  return key;
};

const checkTreeHead = (text, publicKey) => {
  let head;
  try {
    head = JSON.parse(text);
  } catch {
    fail('tree head: not valid JSON');
  }
  if (!isObject(head)) fail('tree head: not a JSON object');
  const { treeSize, rootHash, timestamp, signature } = head;
  if (!isCount(treeSize)) fail('tree head: treeSize is not a non-negative integer');
  if (typeof rootHash !== 'string' || !HEX_HASH.test(rootHash)) fail('tree head: rootHash is not 64 lowercase hex digits');
  if (typeof timestamp !== 'string' || Number.isNaN(Date.parse(timestamp))) fail('tree head: timestamp is not an ISO date');
  if (typeof signature !== 'string') fail('tree head signature: missing');
  const signatureBytes = Buffer.from(signature, 'base64');
  // Reject non-canonical base64 too, so one signature has exactly one accepted spelling.
  if (signatureBytes.length !== 64 || signatureBytes.toString('base64') !== signature) {
    fail('tree head signature: not a base64 Ed25519 signature');
  }
  const signed = Buffer.from(canonicalJson({ treeSize, rootHash, timestamp }), 'utf8');
  if (!verify(null, signed, publicKey, signatureBytes)) {
    fail('tree head signature: does not verify under the public key');
  }
  return { treeSize, rootHash, timestamp };
};

const eventFields = (event, where) => {
  if (!isObject(event)) fail(`${where}: not a JSON object`);
  const { id, type, streamId, streamPosition, globalPosition, occurredAt, recordedAt, data, metadata, sealed } = event;
  const named = typeof id === 'string' ? `${where}, event ${id}` : where;
  if (typeof id !== 'string' || id === '') fail(`${named}: id is not a non-empty string`);
  for (const [field, value] of [
    ['type', type],
    ['streamId', streamId],
    ['occurredAt', occurredAt],
    ['recordedAt', recordedAt],
  ]) {
    if (typeof value !== 'string') fail(`${named}: ${field} is not a string`);
  }
  if (!isCount(streamPosition)) fail(`${named}: streamPosition is not a non-negative integer`);
  if (!isCount(globalPosition)) fail(`${named}: globalPosition is not a non-negative integer`);
  if (!isObject(data)) fail(`${named}: data is not an object`);
  if (!isObject(metadata)) fail(`${named}: metadata is not an object`);
  if (typeof metadata.hash !== 'string' || !HEX_HASH.test(metadata.hash)) {
    fail(`${named}: metadata.hash is not 64 lowercase hex digits`);
  }
  if (typeof metadata.prevHash !== 'string' || !HEX_HASH.test(metadata.prevHash)) {
    fail(`${named}: metadata.prevHash is not 64 lowercase hex digits`);
  }
  if (sealed !== undefined && !isObject(sealed)) fail(`${named}: sealed is not an object`);
  return { id, type, streamId, streamPosition, globalPosition, occurredAt, recordedAt, data, metadata, sealed, named };
};

// ---------------------------------------------------------------------------------------
// Personal values. The ledger stores them encrypted ("enc:v1:..." strings) and hashes what
// it stores; the export shows them opened in `data` and lists the stored strings in
// `sealed` (dotted path -> value). Putting those back gives the stored data. Only strings
// in the sealed form are accepted, so `sealed` can stand in for nothing but a value that
// was stored sealed: any other field of `data` is still checked as shown. What `data` shows
// at a sealed path (the plaintext, or "[erased]") cannot be checked without the key.
// ---------------------------------------------------------------------------------------
const SEALED_VALUE = /^enc:v1:[A-Za-z0-9_-]+$/;

const withValueAt = (data, segments, value, fault) => {
  const [head, ...rest] = segments;
  if (!isObject(data) || !Object.hasOwn(data, head)) fail(fault);
  if (rest.length === 0) return { ...data, [head]: value };
  return { ...data, [head]: withValueAt(data[head], rest, value, fault) };
};

const storedData = (e) => {
  if (e.sealed === undefined) return e.data;
  let data = e.data;
  for (const [path, value] of Object.entries(e.sealed)) {
    if (typeof value !== 'string' || !SEALED_VALUE.test(value)) fail(`${e.named}: sealed.${path} is not a sealed value (enc:v1:...)`);
    data = withValueAt(data, path.split('.'), value, `${e.named}: sealed.${path} names no field of data`);
  }
  return data;
};

/** The hash the ledger stored: JCS of the event without globalPosition and without metadata.hash. */
const eventHash = (e) => {
  const { hash: _stored, ...metadata } = e.metadata;
  const hashed = {
    id: e.id,
    type: e.type,
    streamId: e.streamId,
    streamPosition: e.streamPosition,
    occurredAt: e.occurredAt,
    recordedAt: e.recordedAt,
    data: storedData(e),
    metadata,
  };
  let canonical;
  try {
    canonical = canonicalJson(hashed);
  } catch (error) {
    fail(`${e.named}: cannot canonicalise (${error.message})`);
  }
  return sha256(Buffer.from(canonical, 'utf8')).toString('hex');
};

/**
 * The file's lines, split on "\n" only (a trailing "\r" dropped). Not node:readline: since
 * Node 24 it also ends a line at U+2028 and U+2029, which JSON.stringify leaves unescaped
 * inside strings, so an exported event holding one would be cut in two.
 */
async function* ndjsonLines(path) {
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8' })) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop();
    for (const part of parts) yield part.endsWith('\r') ? part.slice(0, -1) : part;
  }
  if (rest !== '') yield rest;
}

const checkEvents = async (path, head) => {
  const lines = ndjsonLines(path);
  const streams = new Map(); // streamId -> { next: expected streamPosition, last: hash of last event }
  const tree = createMerkleAccumulator();
  let lineNumber = 0;
  let lastGlobal = -1;
  let sealedValues = 0;
  try {
    for await (const line of lines) {
      lineNumber += 1;
      const where = `line ${lineNumber}`;
      if (line.trim() === '') fail(`${where}: blank line`);
      let parsed;
      try {
        parsed = JSON.parse(line);
      } catch {
        fail(`${where}: not valid JSON`);
      }
      const e = eventFields(parsed, where);

      const recomputed = eventHash(e);
      sealedValues += e.sealed === undefined ? 0 : Object.keys(e.sealed).length;
      if (recomputed !== e.metadata.hash) {
        fail(`${e.named}: hash mismatch (stored ${e.metadata.hash}, recomputed ${recomputed})`);
      }

      const stream = streams.get(e.streamId) ?? { next: 0, last: GENESIS_HASH };
      if (e.streamPosition !== stream.next) {
        fail(`${e.named}: streamPosition ${e.streamPosition} in stream ${e.streamId}, expected ${stream.next}`);
      }
      if (e.metadata.prevHash !== stream.last) {
        fail(`${e.named}: prevHash breaks the chain of stream ${e.streamId} (expected ${stream.last})`);
      }
      streams.set(e.streamId, { next: stream.next + 1, last: e.metadata.hash });

      if (e.globalPosition <= lastGlobal) {
        fail(`${e.named}: globalPosition ${e.globalPosition} is not after ${lastGlobal}`);
      }
      lastGlobal = e.globalPosition;

      if (tree.size < head.treeSize) tree.push(Buffer.from(e.metadata.hash, 'hex'));
    }
  } finally {
    // Closes the file when a failure left the loop early (a no-op after the last line).
    await lines.return(undefined);
  }
  if (tree.size < head.treeSize) {
    fail(`tree head: covers ${head.treeSize} events but the export holds only ${tree.size}`);
  }
  const root = tree.root().toString('hex');
  if (root !== head.rootHash) {
    fail(`Merkle root: the first ${head.treeSize} events give ${root}, the tree head says ${head.rootHash}`);
  }
  return { events: lineNumber, streams: streams.size, lastGlobal, sealedValues };
};

const main = async () => {
  const options = parseArgs(process.argv.slice(2));
  if (options === null) {
    console.error(USAGE);
    return 2;
  }
  let headText;
  let pem;
  try {
    headText = readFileSync(options.treeHead, 'utf8');
    pem = readFileSync(options.publicKey, 'utf8');
    accessSync(options.events, constants.R_OK); // the events file is streamed later; fail early if unreadable
  } catch (error) {
    console.error(`cannot read input: ${error.message}`);
    return 2;
  }
  try {
    const head = checkTreeHead(headText, loadPublicKey(pem));
    const summary = await checkEvents(options.events, head);
    console.log(
      [
        'OK: export verified',
        `events: ${summary.events} (${summary.streams} streams, last globalPosition ${summary.lastGlobal})`,
        'event hashes, stream chains and global order: valid',
        `personal values: ${summary.sealedValues} put back in their stored (sealed) form for hashing; what data shows for them cannot be checked without the subject's key`,
        `tree head: size ${head.treeSize}, root ${head.rootHash}, signed at ${head.timestamp}: signature and root valid`,
      ].join('\n'),
    );
    return 0;
  } catch (error) {
    if (!(error instanceof VerificationFailure)) throw error;
    console.error(`FAIL: ${error.message}`);
    return 1;
  }
};

process.exitCode = await main();
