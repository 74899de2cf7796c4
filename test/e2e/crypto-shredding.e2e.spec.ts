import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { createPublicKey, randomBytes, randomInt, randomUUID, verify } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient, type Binary } from 'mongodb';
import { createLedgerApp } from '../../src/app.factory.js';
import { parseConfig } from '../../src/config/ledger-config.js';
import { eventHash } from '../../src/evidence/event-hash.js';
import type { StoredEvent } from '../../src/event-store/event-store.port.js';
import { existingSigningKey } from '../../src/evidence/stored-evidence.js';
import { verifyLedger } from '../../src/evidence/verify-ledger.js';
import { loadMasterKey } from '../../src/privacy/master-key.js';
import { subjectKeyId } from '../../src/key-store/subject-key-store.port.js';
import { PROJECTIONS } from '../../src/app.projections.js';
import { rebuildProjections } from '../../src/projections/runner/rebuild.js';
import { openEventStore, openReadStore, openSubjectKeyStore } from '../../src/stores/open-stores.js';
import { e2eAdminKeyEntry, mongoFor, newDataDir, removeDataDir, startLedger, type RunningLedger } from '../support/ledger-app.js';
import { TEST_PROJECTOR_WORKER } from '../support/projector-worker.js';
import { caughtUp, csvObjects, eventIds } from '../support/reads.js';
import { consentBody, newSubject, newTenant, subjectPath, transferBody } from '../support/requests.js';
import { storedFormOf } from '../support/sealed-events.js';

const VERIFIER = fileURLToPath(new URL('../../bin/verify-export.mjs', import.meta.url));
const ERASED = '[erased]';

/** Values that must never be found in clear in any file or document the ledger writes. */
const secretsOf = (label: string) => {
  const id = randomUUID();
  return {
    contact: `${label}.${id.slice(0, 8)}@example.com`,
    ipAddress: `10.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(1, 255)}`,
    userAgent: `ShredTest/${id}`,
    reference: `ref-${id}`,
    reason: `reason-${id}`,
    evidence: `evidence-${id}`,
    grievance: `grievance-${id}`,
    notice: `notice-${id}`,
  };
};
type Secrets = ReturnType<typeof secretsOf>;

/** Every file under `dir` (the -wal, -shm and journal files of every SQLite file included). */
const filesUnder = (dir: string): string[] =>
  (readdirSync(dir, { recursive: true }) as string[]).map((name) => join(dir, name)).filter((path) => statSync(path).isFile());

/** The files under `dir` that hold `needle` anywhere in their bytes. */
const filesHolding = (dir: string, needle: Buffer): string[] => filesUnder(dir).filter((path) => readFileSync(path).includes(needle));

const mongoUrlOf = (dataDir: string): string | undefined => mongoFor(dataDir)['MONGODB_URL'];

/** Every document of every collection of the app's MongoDB database, as JSON text (binary as base64). */
const mongoDocuments = async (dataDir: string): Promise<string[]> => {
  const url = mongoUrlOf(dataDir);
  if (!url) return [];
  const client = await new MongoClient(url).connect();
  try {
    const db = client.db();
    const texts: string[] = [];
    for (const { name } of await db.listCollections().toArray()) {
      for (const document of await db.collection(name).find({}).toArray()) texts.push(`${name}: ${JSON.stringify(document)}`);
    }
    return texts;
  } finally {
    await client.close();
  }
};

/** Where any secret was found in clear: file paths and MongoDB documents. */
const leaksOf = async (dataDir: string, secrets: Secrets): Promise<string[]> => {
  const documents = await mongoDocuments(dataDir);
  return Object.entries(secrets).flatMap(([name, value]) => [
    ...filesHolding(dataDir, Buffer.from(value, 'utf8')).map((path) => `${name} in ${path}`),
    ...documents.filter((text) => text.includes(value)).map((text) => `${name} in ${text.slice(0, 60)}`),
  ]);
};

/** The subject's wrapped key as stored (the row of keys.sqlite, or the document of subject_keys), or null. */
const storedWrappedKey = async (dataDir: string, tenantId: string, subjectId: string): Promise<Buffer | null> => {
  const url = mongoUrlOf(dataDir);
  if (url) {
    const client = await new MongoClient(url).connect();
    try {
      const found = await client
        .db()
        .collection<{ _id: string; wrappedKey: Binary }>('subject_keys')
        .findOne({ _id: subjectKeyId(tenantId, subjectId) });
      return found ? Buffer.from(found.wrappedKey.value()) : null;
    } finally {
      await client.close();
    }
  }
  const db = new Database(join(dataDir, 'keys.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT wrapped_key FROM subject_keys WHERE id = ?').get(subjectKeyId(tenantId, subjectId)) as
      { wrapped_key: Buffer } | undefined;
    return row ? Buffer.from(row.wrapped_key) : null;
  } finally {
    db.close();
  }
};

/** Where the wrapped key's bytes (raw, base64 or hex) are found: files under the data dir and MongoDB documents. */
const copiesOfKey = async (dataDir: string, wrapped: Buffer): Promise<string[]> => {
  const spellings = [wrapped, Buffer.from(wrapped.toString('base64')), Buffer.from(wrapped.toString('hex'))];
  const documents = await mongoDocuments(dataDir);
  return [
    ...spellings.flatMap((needle) => filesHolding(dataDir, needle)),
    ...documents.filter((text) => text.includes(wrapped.toString('base64')) || text.includes(wrapped.toString('hex'))),
  ];
};

/** What every read route answers about one subject (and its tenant's transfers and audit stream). */
const readsOf = async (ledger: RunningLedger, tenant: string, subjectId: string) => {
  const path = subjectPath(tenant, subjectId);
  return {
    status: (await ledger.get(path)).body,
    history: (await ledger.get(`${path}/history`)).body,
    historyCsv: csvObjects((await ledger.get(`${path}/history`, { accept: 'text/csv' })).text),
    transfers: (await ledger.get(`/v1/tenants/${tenant}/transfers`)).body,
    transfersCsv: csvObjects((await ledger.get(`/v1/tenants/${tenant}/transfers`, { accept: 'text/csv' })).text),
    export: (await ledger.get(`${path}/export`)).body,
    exportCsv: (await ledger.get(`${path}/export`, { accept: 'text/csv' })).text,
    audit: (await ledger.auditEvents(`?tenantId=${tenant}`)).filter((event) => event.metadata.subjectId === subjectId),
  };
};
type Reads = Awaited<ReturnType<typeof readsOf>>;

/** Runs the standalone verifier on an export of the whole log, outside the data directory. */
const verifyExport = async (ledger: RunningLedger, at: number) => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-export-'));
  try {
    const files = { events: join(dir, 'export.ndjson'), head: join(dir, 'head.json'), key: join(dir, 'key.pem') };
    writeFileSync(files.events, (await ledger.get('/v1/audit/events')).text);
    writeFileSync(files.head, (await ledger.get(`/v1/audit/tree-head?atLeast=${at}`)).text);
    writeFileSync(files.key, (await ledger.get('/v1/audit/public-key')).text);
    const result = spawnSync(process.execPath, [VERIFIER, '--events', files.events, '--tree-head', files.head, '--public-key', files.key], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** A consent receipt and whether its JWS verifies with the ledger's public key. */
const receiptOf = async (ledger: RunningLedger, path: string, eventId: string) => {
  const answer = await ledger.get(`${path}/consents/${eventId}/receipt`);
  const publicKey = createPublicKey((await ledger.get('/v1/audit/public-key')).text);
  const [header, payload, signature] = (answer.body.jws as string).split('.');
  const verifies = verify(null, Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature ?? '', 'base64url'));
  return { status: answer.status, receipt: answer.body.receipt, verifies };
};

describe('crypto-shredding of personal data, through the real app', () => {
  const dataDir = newDataDir();
  const tenant = newTenant();
  const subjectId = newSubject();
  const controlId = newSubject();
  const path = subjectPath(tenant, subjectId);
  const secrets = secretsOf('shredded');
  const controlSecrets = secretsOf('control');
  const env = { LEDGER_ERASURE_SYSTEMS: 'crm,backups' };

  /** Everything observed, stage by stage; the tests below only look at it. */
  const seen = {} as {
    consentId: string;
    live: Reads;
    liveLeaks: string[];
    liveFiles: string[];
    liveDocuments: string[];
    wrappedKey: Buffer | null;
    controlKeyBefore: Buffer | null;
    shreddingTypes: string[];
    erased: Reads;
    control: Reads;
    certificate: { status: number; body: any };
    receipt: Awaited<ReturnType<typeof receiptOf>>;
    erasedLeaks: string[];
    keyAfter: Buffer | null;
    controlKeyAfter: Buffer | null;
    keyCopies: string[];
    verifier: Awaited<ReturnType<typeof verifyExport>>;
    closedLeaks: string[];
    closedKeyCopies: string[];
    ledgerVerify: Awaited<ReturnType<typeof verifyLedger>>;
    rebuilt: Reads;
    keyAfterSweep: Buffer | null;
    wrongMasterKey: unknown;
  };

  const seed = async (ledger: RunningLedger, id: string, s: Secrets) => {
    const p = subjectPath(tenant, id);
    const consent = await ledger.post(
      `${p}/consents`,
      consentBody({ evidence: { ipAddress: s.ipAddress, userAgent: s.userAgent, contact: s.contact } }),
      { 'idempotency-key': `consent-${id}` },
    );
    expect(consent.status).toBe(201);
    expect(
      (
        await ledger.post(`${p}/transfers`, transferBody({ reference: s.reference, legalBasis: 'contract' }), {
          'idempotency-key': `transfer-${id}`,
        })
      ).status,
    ).toBe(201);
    return eventIds(consent)[0] ?? '';
  };

  beforeAll(async () => {
    const ledger = await startLedger({ dataDir, env });
    try {
      seen.consentId = await seed(ledger, subjectId, secrets);
      await seed(ledger, controlId, controlSecrets);
      expect((await ledger.post(`${path}/consents/withdrawals`, { reason: secrets.reason })).status).toBe(201);
      expect((await ledger.post(`${path}/deletion-completions`, { system: 'crm', evidence: secrets.evidence })).status).toBe(201);
      const grievance = { category: 'erasure', channel: 'email', receivedAt: new Date().toISOString(), description: secrets.grievance };
      expect((await ledger.post(`${path}/grievances`, grievance)).status).toBe(201);
      const told = { recipientId: 'aws-sg', channel: 'email', evidence: secrets.notice };
      expect((await ledger.post(`${path}/recipient-notifications`, told)).status).toBe(201);
      await caughtUp(ledger);
      seen.live = await readsOf(ledger, tenant, subjectId);
      seen.liveLeaks = await leaksOf(dataDir, secrets);
      seen.liveFiles = filesUnder(dataDir).map((file) => file.slice(dataDir.length + 1));
      seen.liveDocuments = await mongoDocuments(dataDir);
      seen.wrappedKey = await storedWrappedKey(dataDir, tenant, subjectId);
      seen.controlKeyBefore = await storedWrappedKey(dataDir, tenant, controlId);

      // The last system confirms: the erasure is complete, and the subject's key goes.
      const last = await ledger.post(`${path}/deletion-completions`, { system: 'backups' });
      expect(last.status).toBe(201);
      seen.shreddingTypes = last.body.events.map((event: { type: string }) => event.type);
      const health = await caughtUp(ledger);
      seen.erased = await readsOf(ledger, tenant, subjectId);
      seen.control = await readsOf(ledger, tenant, controlId);
      const certificate = await ledger.get(`${path}/erasure-certificate`);
      seen.certificate = { status: certificate.status, body: certificate.body };
      seen.receipt = await receiptOf(ledger, path, seen.consentId);
      seen.erasedLeaks = await leaksOf(dataDir, secrets);
      seen.keyAfter = await storedWrappedKey(dataDir, tenant, subjectId);
      seen.controlKeyAfter = await storedWrappedKey(dataDir, tenant, controlId);
      seen.keyCopies = seen.wrappedKey ? await copiesOfKey(dataDir, seen.wrappedKey) : ['no key was stored'];
      seen.verifier = await verifyExport(ledger, health.eventStore.lastPosition);
    } finally {
      await ledger.close();
    }
    seen.closedLeaks = await leaksOf(dataDir, secrets);
    seen.closedKeyCopies = seen.wrappedKey ? await copiesOfKey(dataDir, seen.wrappedKey) : ['no key was stored'];

    const config = parseConfig({ ...mongoFor(dataDir), ...env, LEDGER_DATA_DIR: dataDir });
    const events = await openEventStore(config);
    const readStore = await openReadStore(config);
    const keys = await openSubjectKeyStore(config);
    try {
      // `ledger verify`: every hash and chain, computed over the stored (sealed) bytes.
      seen.ledgerVerify = await verifyLedger(events, readStore, existingSigningKey(config)?.publicKey ?? null);
      // `ledger rebuild`, in place: the read models from the log alone.
      await rebuildProjections(events, readStore, PROJECTIONS);
      // A crash after the shredding was appended but before its key was deleted leaves a marked key.
      await keys.insertIfAbsent({
        tenantId: tenant,
        subjectId,
        wrappedKey: randomBytes(60),
        masterKeyId: loadMasterKey(undefined, dataDir).id,
        createdAt: new Date().toISOString(),
      });
      await keys.markForShredding(subjectKeyId(tenant, subjectId), new Date().toISOString());
    } finally {
      await Promise.all([events.close(), readStore.close(), keys.close()]);
    }

    const restarted = await startLedger({ dataDir, env });
    try {
      await caughtUp(restarted);
      seen.rebuilt = await readsOf(restarted, tenant, subjectId);
      seen.keyAfterSweep = await storedWrappedKey(dataDir, tenant, subjectId);
    } finally {
      await restarted.close();
    }

    // The same data directory (and MongoDB database) with another master key.
    const app = await createLedgerApp({
      projectorWorker: TEST_PROJECTOR_WORKER,
      config: parseConfig({
        ...mongoFor(dataDir),
        ...env,
        LEDGER_API_KEYS: JSON.stringify([e2eAdminKeyEntry]),
        LEDGER_DATA_DIR: dataDir,
        LEDGER_MASTER_KEY: randomBytes(32).toString('base64'),
        PORT: '0',
        HOST: '127.0.0.1',
      }),
      logger: false,
    });
    try {
      await app.listen(0, '127.0.0.1');
      seen.wrongMasterKey = null;
    } catch (error) {
      seen.wrongMasterKey = error;
    } finally {
      await app.close();
    }
  }, 90_000);

  afterAll(async () => {
    const url = mongoUrlOf(dataDir);
    if (url) {
      const client = await new MongoClient(url).connect();
      await client.db().dropDatabase();
      await client.close();
    }
    removeDataDir(dataDir);
  });

  describe('while the subject is live', () => {
    it('shows the personal values in clear on every read', () => {
      const { history, historyCsv, transfers, transfersCsv, export: exported, audit } = seen.live;
      // The erasure's deletion-requested and recipient-notification-required sit between the withdrawal and crm.
      const [consent, transfer, withdrawal, , , crm] = history.entries;
      expect(consent.evidence).toBe(`IP ${secrets.ipAddress}; agent ${secrets.userAgent}; contact ${secrets.contact}`);
      expect(transfer.transferReference).toBe(secrets.reference);
      expect(withdrawal.reason).toBe(secrets.reason);
      expect(crm.evidence).toBe(secrets.evidence);
      expect(historyCsv[0]?.['evidence']).toBe(consent.evidence);
      expect(transfers.transfers.find((t: any) => t.subjectId === subjectId).reference).toBe(secrets.reference);
      expect(transfersCsv.find((t) => t['subjectId'] === subjectId)?.['reference']).toBe(secrets.reference);
      expect(exported.consents[0].evidence).toEqual({
        ipAddress: secrets.ipAddress,
        userAgent: secrets.userAgent,
        contact: secrets.contact,
      });
      expect(exported.withdrawals[0].reason).toBe(secrets.reason);
      expect(audit[0].data.evidence.contact).toBe(secrets.contact);
      expect(seen.live.status.purposes['crm-access']).toMatchObject({ status: 'withdrawn', policyVersion: '2024-06' });
      expect(history.entries[6]).toMatchObject({ type: 'grievance-lodged', grievanceDescription: secrets.grievance });
      expect(history.entries[7]).toMatchObject({ type: 'recipient-notified', evidence: secrets.notice });
      expect(exported.recipientNotifications[0].recipients[0].evidence).toBe(secrets.notice);
      expect(exported.grievances[0].description).toBe(secrets.grievance);
    });

    it('stores none of them in clear: not in any file under the data directory (WAL files included) nor in any MongoDB document', () => {
      expect(seen.liveLeaks).toEqual([]);
      // The scan did see every store: the files (with the event log's WAL), or the MongoDB documents.
      expect(seen.liveFiles).toEqual(expect.arrayContaining(['events.sqlite', 'events.sqlite-wal', 'master-key']));
      if (mongoUrlOf(dataDir)) {
        const collections = new Set(seen.liveDocuments.map((text) => text.slice(0, text.indexOf(':'))));
        expect([...collections]).toEqual(
          expect.arrayContaining(['rm_subject_history', 'rm_transfer_register', 'idempotency_keys', 'subject_keys']),
        );
        expect(seen.liveDocuments.filter((text) => text.includes(subjectId)).length).toBeGreaterThan(5);
      } else {
        expect(seen.liveFiles).toEqual(
          expect.arrayContaining([
            'read-models.sqlite',
            'read-models.sqlite-wal',
            'idempotency.sqlite',
            'idempotency.sqlite-wal',
            'keys.sqlite',
            'keys.sqlite-wal',
          ]),
        );
      }
    });

    it('keeps a wrapped data key for the subject in the key store, apart from the events', () => {
      expect(seen.wrappedKey).toBeInstanceOf(Buffer);
      expect(seen.wrappedKey?.length).toBe(12 + 32 + 16);
      expect(seen.controlKeyBefore).toBeInstanceOf(Buffer);
    });

    it('exports the sealed form next to the opened values, and the hashes cover the sealed form', () => {
      for (const event of seen.live.audit) {
        expect(event.metadata.hash).toBe(eventHash(storedFormOf(event) as StoredEvent));
      }
      expect(Object.values(seen.live.audit[0].sealed as Record<string, string>).every((value) => value.startsWith('enc:v1:'))).toBe(true);
    });
  });

  describe('once the erasure completed in every system', () => {
    it('records subject-data-shredded in the same append as the last confirmation, with no personal data', () => {
      expect(seen.shreddingTypes).toEqual(['deletion-completed', 'subject-data-shredded']);
      const shredded = seen.erased.audit.find((event) => event.type === 'subject-data-shredded');
      expect(shredded.data).toEqual({
        deletionId: seen.erased.status.erasure.deletionId,
        shreddedAt: expect.any(String),
        fields: expect.arrayContaining([
          'consent-given/evidence.contact',
          'consent-given/evidence.ipAddress',
          'data-transferred/reference',
        ]),
      });
      expect(shredded.sealed).toBeUndefined();
    });

    it('leaves no key for the subject: no row or document, and the wrapped key bytes in no file', () => {
      expect(seen.keyAfter).toBeNull();
      expect(seen.keyCopies).toEqual([]);
      expect(seen.closedKeyCopies).toEqual([]);
    });

    it("keeps other subjects' keys and their values readable", () => {
      expect(seen.controlKeyAfter).toEqual(seen.controlKeyBefore);
      expect(seen.control.export.consents[0].evidence.contact).toBe(controlSecrets.contact);
      expect(seen.control.transfers.transfers.find((t: any) => t.subjectId === controlId).reference).toBe(controlSecrets.reference);
    });

    it('shows [erased] for every personal value on every read', () => {
      const { history, historyCsv, transfers, transfersCsv, export: exported, exportCsv, audit } = seen.erased;
      const [consent, transfer, withdrawal, , , crm] = history.entries;
      expect(consent.evidence).toBe(`IP ${ERASED}; agent ${ERASED}; contact ${ERASED}`);
      expect(transfer.transferReference).toBe(ERASED);
      expect(withdrawal.reason).toBe(ERASED);
      expect(crm.evidence).toBe(ERASED);
      expect(historyCsv.map((row) => row['evidence'])).toEqual(history.entries.map((entry: any) => entry.evidence ?? ''));
      expect(transfers.transfers.find((t: any) => t.subjectId === subjectId).reference).toBe(ERASED);
      expect(transfersCsv.find((t) => t['subjectId'] === subjectId)?.['reference']).toBe(ERASED);
      expect(exported.consents[0].evidence).toEqual({ ipAddress: ERASED, userAgent: ERASED, contact: ERASED });
      expect(exported.withdrawals[0].reason).toBe(ERASED);
      expect(exported.transfers[0].reference).toBe(ERASED);
      expect(exported.erasures[0].confirmations[0].evidence).toBe(ERASED);
      expect(exported.erasures[0].shreddedAt).toEqual(expect.any(String));
      expect(history.entries[6]).toMatchObject({ type: 'grievance-lodged', grievanceDescription: ERASED, category: 'erasure' });
      expect(history.entries[7]).toMatchObject({ type: 'recipient-notified', evidence: ERASED, recipientId: 'aws-sg', channel: 'email' });
      expect(exported.recipientNotifications[0].recipients[0]).toMatchObject({ evidence: ERASED, state: 'notified', channel: 'email' });
      expect(exported.grievances[0]).toMatchObject({ description: ERASED, category: 'erasure', channel: 'email' });
      expect(audit[0].data.evidence).toEqual({ ipAddress: ERASED, userAgent: ERASED, contact: ERASED });
      expect(seen.certificate.status).toBe(200);
      expect(seen.certificate.body.certificate.systems[0]).toMatchObject({ system: 'crm', evidence: ERASED });
      const everything = JSON.stringify({ ...seen.erased, exportCsv, certificate: seen.certificate });
      for (const value of Object.values(secrets)) expect(everything).not.toContain(value);
    });

    it('keeps every non-personal fact: purposes, recipients, countries, dates and ids', () => {
      const strip = (entry: any) => ({ ...entry, evidence: null, reason: null, transferReference: null, grievanceDescription: null });
      expect(seen.erased.history.entries.slice(0, 8).map(strip)).toEqual(seen.live.history.entries.map(strip));
      expect(seen.erased.history.entries.at(-1)).toMatchObject({
        type: 'subject-data-shredded',
        deletionId: seen.erased.status.erasure.deletionId,
      });
      const liveTransfer = seen.live.transfers.transfers.find((t: any) => t.subjectId === subjectId);
      expect(seen.erased.transfers.transfers.find((t: any) => t.subjectId === subjectId)).toEqual({ ...liveTransfer, reference: ERASED });
      expect(seen.erased.status.purposes).toEqual(seen.live.status.purposes);
      expect(seen.erased.status.erasure).toMatchObject({ state: 'completed', pendingSystems: [] });
      expect(seen.erased.export.recipients).toEqual(seen.live.export.recipients);
      const shown = (events: any[]) =>
        events
          .slice(0, 5)
          .map(({ data, ...event }) => ({ ...event, purposes: data.purposes, recipient: data.recipient, country: data.country }));
      expect(shown(seen.erased.audit)).toEqual(shown(seen.live.audit));
    });

    it('stores none of the personal values in clear, before or after closing the app', () => {
      expect(seen.erasedLeaks).toEqual([]);
      expect(seen.closedLeaks).toEqual([]);
    });

    it('still verifies: `ledger verify` over the stored log, and the standalone verifier over the export', () => {
      expect(seen.ledgerVerify).toMatchObject({ ok: true });
      expect(seen.verifier.stderr).toBe('');
      expect(seen.verifier.status).toBe(0);
      expect(seen.verifier.stdout).toContain('OK: export verified');
      for (const event of seen.erased.audit) expect(event.metadata.hash).toBe(eventHash(storedFormOf(event) as StoredEvent));
    });

    it('still renders the consent receipt, and its JWS verifies', () => {
      expect(seen.receipt.status).toBe(200);
      expect(seen.receipt.verifies).toBe(true);
      expect(seen.receipt.receipt).toMatchObject({ consentReceiptID: seen.consentId, piiPrincipalId: subjectId });
    });
  });

  describe('after a rebuild and a restart', () => {
    it('gives the same redacted reads from read models rebuilt from the log', () => {
      const { export: rebuiltExport, exportCsv: _csv, ...rebuilt } = seen.rebuilt;
      const { export: erasedExport, exportCsv: _csv2, ...erased } = seen.erased;
      expect(rebuilt).toEqual(erased);
      expect({ ...rebuiltExport, exportedAt: null }).toEqual({ ...erasedExport, exportedAt: null });
    });

    it('destroys at start a key whose shredding a crash interrupted', () => {
      expect(seen.keyAfterSweep).toBeNull();
    });

    it('refuses to start with another master key, naming LEDGER_MASTER_KEY', () => {
      expect(seen.wrongMasterKey).toBeInstanceOf(Error);
      expect(String((seen.wrongMasterKey as Error).message)).toMatch(
        /^LEDGER_MASTER_KEY: the subject-key store holds data keys wrapped by another master key/,
      );
    });
  });
});
