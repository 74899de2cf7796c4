import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import canonicalize from 'canonicalize';
import { leafHash, rootHash } from '../../src/evidence/merkle.js';

const SCRIPT = fileURLToPath(new URL('../../bin/verify-export.mjs', import.meta.url));
const GENESIS = '0'.repeat(64);

interface ExportedEvent {
  id: string;
  type: string;
  streamId: string;
  streamPosition: number;
  globalPosition: number;
  occurredAt: string;
  recordedAt: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown> & { hash: string; prevHash: string };
  sealed?: Record<string, string>;
}
interface TreeHead {
  treeSize: number;
  rootHash: string;
  timestamp: string;
  signature: string;
}

const jcs = (value: unknown): string => {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('not canonicalisable');
  return text;
};
const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Hash as the ledger does: JCS of the event without globalPosition and without metadata.hash. */
const hashEvent = (e: Omit<ExportedEvent, 'metadata'> & { metadata: Record<string, unknown> }): string => {
  const { id, type, streamId, streamPosition, occurredAt, recordedAt, data, metadata } = e;
  return sha256Hex(jcs({ id, type, streamId, streamPosition, occurredAt, recordedAt, data, metadata }));
};

/** Streams A and B interleaved in global order: A0 A1 B0 A2 B1 B2 (gaps in globalPosition). */
const buildEvents = (extraData: (i: number) => Record<string, unknown> = () => ({})): ExportedEvent[] => {
  const subjects = { A: `subject-${randomUUID()}`, B: `subject-${randomUUID()}` };
  const last = new Map<string, { position: number; hash: string }>();
  const plan: Array<keyof typeof subjects> = ['A', 'A', 'B', 'A', 'B', 'B'];
  return plan.map((key, i) => {
    const streamId = subjects[key];
    const previous = last.get(streamId);
    const streamPosition = previous === undefined ? 0 : previous.position + 1;
    const metadata = {
      tenantId: 'tenant-1',
      subjectId: streamId,
      actor: 'crm',
      correlationId: randomUUID(),
      causationId: randomUUID(),
      idempotencyKey: i % 2 === 0 ? null : `key-${i}`,
      prevHash: previous?.hash ?? GENESIS,
    };
    const base = {
      id: randomUUID(),
      type: i === 0 ? 'consent-given' : 'transfer-recorded',
      streamId,
      streamPosition,
      globalPosition: 10 + i * 3,
      occurredAt: `2025-01-0${i + 1}T10:00:00.000Z`,
      recordedAt: `2025-01-0${i + 1}T10:00:01.000Z`,
      // Keys from the RFC 8785 sorting example (UTF-16 order differs from code point order
      // for the emoji), nested values, numbers, null, booleans and non-ASCII text.
      data: {
        purpose: 'marketing',
        contact: { ciphertext: `c1p${i}`, iv: 'aXY=', tag: 'dGFn' },
        '\u20ac': 'Euro Sign',
        '\r': 'Carriage Return',
        '\ufb33': 'Hebrew Letter Dalet With Dagesh',
        '1': 'One',
        '\ud83d\ude00': 'Emoji: Grinning Face',
        '\u0080': 'Control',
        '\u00f6': 'Latin Small Letter O With Diaeresis',
        counts: [i, -i, 1000000, 0],
        flags: { erased: false, legal: true, note: null },
        text: 'Grüße "quoted" \\ back\nslash \u2028',
        ...extraData(i),
      },
    };
    const hash = hashEvent({ ...base, metadata });
    last.set(streamId, { position: streamPosition, hash });
    return { ...base, metadata: { ...metadata, hash } };
  });
};

const merkleRootHex = (events: readonly ExportedEvent[]): string =>
  rootHash(events.map((e) => leafHash(Buffer.from(e.metadata.hash, 'hex')))).toString('hex');

const signHead = (treeSize: number, root: string, privateKey: KeyObject, timestamp = '2025-01-07T00:00:00.000Z'): TreeHead => {
  const signature = sign(null, Buffer.from(jcs({ treeSize, rootHash: root, timestamp }), 'utf8'), privateKey).toString('base64');
  return { treeSize, rootHash: root, timestamp, signature };
};

const flipHexDigit = (hex: string): string => (hex[0] === '0' ? '1' : '0') + hex.slice(1);

const aSealedValue = (): string => `enc:v1:${randomBytes(40).toString('base64url')}`;

/** As the ledger exports an event: personal values shown as `shown` (opened or "[erased]"), the stored ones in `sealed`. */
const opened = (event: ExportedEvent, shown: Record<string, unknown>): ExportedEvent => {
  const data = structuredClone(event.data);
  const sealed: Record<string, string> = {};
  for (const [path, value] of Object.entries(shown)) {
    const segments = path.split('.');
    const last = segments.pop()!;
    const parent = segments.reduce<Record<string, unknown>>((node, segment) => node[segment] as Record<string, unknown>, data);
    sealed[path] = parent[last] as string;
    parent[last] = value;
  }
  return { ...event, data, sealed };
};

describe('the standalone export verifier', () => {
  let dir: string;
  let events: ExportedEvent[];
  let privateKey: KeyObject;
  let publicKeyPem: string;
  let head: TreeHead;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'verify-export-'));
    const keys = generateKeyPairSync('ed25519');
    privateKey = keys.privateKey;
    publicKeyPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    events = buildEvents();
    head = signHead(events.length, merkleRootHex(events), privateKey);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (lines: readonly string[], treeHead: unknown = head, pem = publicKeyPem) => {
    const files = { events: join(dir, 'export.ndjson'), head: join(dir, 'head.json'), key: join(dir, 'key.pem') };
    writeFileSync(files.events, lines.map((l) => `${l}\n`).join(''));
    writeFileSync(files.head, JSON.stringify(treeHead, null, 2));
    writeFileSync(files.key, pem);
    const result = spawnSync(process.execPath, [SCRIPT, '--events', files.events, '--tree-head', files.head, '--public-key', files.key], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const lines = (list: readonly ExportedEvent[] = events): string[] => list.map((e) => JSON.stringify(e));
  const at = (i: number): ExportedEvent => {
    const e = events[i];
    if (e === undefined) throw new Error(`no event ${i}`);
    return e;
  };

  describe('given an untouched export and its signed tree head', () => {
    it('exits 0 with a summary', () => {
      const result = run(lines());
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toContain('OK: export verified');
      expect(result.stdout).toContain('events: 6 (2 streams, last globalPosition 25)');
      expect(result.stdout).toContain(`root ${head.rootHash}`);
    });

    it('accepts a tree head that covers only the first events', () => {
      const partial = signHead(4, merkleRootHex(events.slice(0, 4)), privateKey);
      const result = run(lines(), partial);
      expect(result.status).toBe(0);
      expect(result.stdout).toContain('tree head: size 4');
    });

    it('accepts an empty export under a signed empty tree', () => {
      const empty = signHead(0, createHash('sha256').digest('hex'), privateKey);
      expect(run([], empty).status).toBe(0);
    });
  });

  describe('when the export was tampered with', () => {
    it('names the event whose data changed by one byte', () => {
      const line = JSON.stringify(at(2)).replace('"marketing"', '"marketinh"');
      const tampered = lines();
      tampered[2] = line;
      const result = run(tampered);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`FAIL: line 3, event ${at(2).id}: hash mismatch`);
    });

    it('names the next event of the stream when an event was dropped', () => {
      const result = run(lines(events.filter((_, i) => i !== 1)));
      expect(result.status).toBe(1);
      // A2 (now on line 3) follows A0 directly.
      expect(result.stderr).toContain(`FAIL: line 3, event ${at(3).id}: streamPosition 2`);
    });

    it('reports a tree head larger than the export when the last event was dropped', () => {
      const result = run(lines(events.slice(0, -1)));
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('FAIL: tree head: covers 6 events but the export holds only 5');
    });

    it('names the event out of global order when two events of different streams were swapped', () => {
      const swapped = [at(0), at(2), at(1), at(3), at(4), at(5)];
      const result = run(lines(swapped));
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`FAIL: line 3, event ${at(1).id}: globalPosition 13 is not after 16`);
    });

    it('names the event out of stream order when two events of one stream were swapped', () => {
      const swapped = [at(1), at(0), at(2), at(3), at(4), at(5)];
      const result = run(lines(swapped));
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`FAIL: line 1, event ${at(1).id}: streamPosition 1`);
    });

    it('names the event whose prevHash was rewritten, even with its hash recomputed', () => {
      const forged = { ...at(3), metadata: { ...at(3).metadata, prevHash: GENESIS } };
      const { hash: _old, ...rest } = forged.metadata;
      forged.metadata.hash = hashEvent({ ...forged, metadata: rest });
      const tampered = lines();
      tampered[3] = JSON.stringify(forged);
      const result = run(tampered);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`FAIL: line 4, event ${at(3).id}: prevHash breaks the chain`);
    });

    it('names the line that is not JSON', () => {
      const tampered = lines();
      tampered[4] = '{"id": ';
      const result = run(tampered);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('FAIL: line 5: not valid JSON');
    });
  });

  describe('when the tree head or key is wrong', () => {
    it('rejects an altered signature', () => {
      const signature = Buffer.from(head.signature, 'base64');
      signature[10] = (signature[10] ?? 0) ^ 0x01;
      const result = run(lines(), { ...head, signature: signature.toString('base64') });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('FAIL: tree head signature');
    });

    it('rejects an altered rootHash through the signature', () => {
      const result = run(lines(), { ...head, rootHash: flipHexDigit(head.rootHash) });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('FAIL: tree head signature');
    });

    it('rejects an altered treeSize through the signature', () => {
      const result = run(lines(), { ...head, treeSize: 5 });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('FAIL: tree head signature');
    });

    it('rejects a signed head whose rootHash does not match the events', () => {
      const wrongRoot = signHead(events.length, flipHexDigit(head.rootHash), privateKey);
      const result = run(lines(), wrongRoot);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`FAIL: Merkle root: the first 6 events give ${head.rootHash}`);
    });

    it('rejects a head verified with another public key', () => {
      const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const result = run(lines(), head, other);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('FAIL: tree head signature: does not verify under the public key');
    });

    it('rejects a public key that is not Ed25519', () => {
      const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const result = run(lines(), head, ec);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('FAIL: public key: expected Ed25519');
    });
  });

  describe('when personal values are shown opened, with their stored (sealed) form alongside', () => {
    let stored: ExportedEvent[];
    let exported: ExportedEvent[];
    let sealedHead: TreeHead;
    beforeEach(() => {
      stored = buildEvents(() => ({ reason: aSealedValue(), evidence: { contact: aSealedValue(), channel: 'web' } }));
      // Opened while the key exists for some, "[erased]" after shredding for the others.
      exported = stored.map((event, i) =>
        opened(
          event,
          i % 2 === 0
            ? { reason: 'moving away', 'evidence.contact': 'asha@example.com' }
            : { reason: '[erased]', 'evidence.contact': '[erased]' },
        ),
      );
      sealedHead = signHead(stored.length, merkleRootHex(stored), privateKey);
    });
    const exportLines = (list: readonly ExportedEvent[] = exported) => list.map((e) => JSON.stringify(e));

    it('puts the sealed values back and verifies every hash, opened or erased', () => {
      const result = run(exportLines(), sealedHead);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toContain('personal values: 12 put back in their stored (sealed) form');
    });

    it('names the event whose sealed value was changed', () => {
      const tampered = structuredClone(exported);
      const event = tampered[4]!;
      event.sealed!['reason'] = aSealedValue();
      const result = run(exportLines(tampered), sealedHead);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`FAIL: line 5, event ${event.id}: hash mismatch`);
    });

    it('does not let sealed stand in for a field that was stored in clear', () => {
      const tampered = structuredClone(exported);
      const event = tampered[1]!;
      // Show another purpose, and offer the true one as if it had been sealed.
      event.data['purpose'] = 'analytics';
      event.sealed!['purpose'] = 'marketing';
      const result = run(exportLines(tampered), sealedHead);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`FAIL: line 2, event ${event.id}: sealed.purpose is not a sealed value`);
    });

    it('names a sealed path that is not a field of data', () => {
      const tampered = structuredClone(exported);
      const event = tampered[0]!;
      event.sealed!['nowhere.at.all'] = aSealedValue();
      const result = run(exportLines(tampered), sealedHead);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`FAIL: line 1, event ${event.id}: sealed.nowhere.at.all names no field of data`);
    });

    it('fails every hash when the opened values are left without their sealed form', () => {
      const stripped = exported.map(({ sealed: _sealed, ...event }) => event as ExportedEvent);
      const result = run(exportLines(stripped), sealedHead);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`FAIL: line 1, event ${stripped[0]!.id}: hash mismatch`);
    });
  });

  it('exits 2 with usage when arguments are missing', () => {
    const result = spawnSync(process.execPath, [SCRIPT, '--events', 'x.ndjson'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage:');
  });
});
