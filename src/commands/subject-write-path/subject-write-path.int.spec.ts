import { describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../config/ledger-config.js';
import { LedgerError } from '../../domain/ledger-error.js';
import { WrongExpectedVersionError, type EventStore, type ExpectedRevision, type NewEvent } from '../../event-store/event-store.port.js';
import { SqliteEventStore } from '../../event-store/sqlite/sqlite-event-store.js';
import { eventHash } from '../../evidence/event-hash.js';
import { SqliteIdempotencyStore } from '../../idempotency/sqlite/sqlite-idempotency-store.js';
import { LedgerMetrics } from '../../observability/metrics/ledger-metrics.js';
import { uuidV7Generator } from '../../platform/ids.js';
import { openSqliteFile } from '../../platform/sqlite/sqlite-file.js';
import { isSealed } from '../../privacy/field-cipher.js';
import { masterKeyFrom } from '../../privacy/master-key.js';
import { PersonalData } from '../../privacy/personal-data.js';
import { openSqliteSubjectKeyStore } from '../../key-store/sqlite/sqlite-subject-key-store.js';
import { subjectKeyId, type SubjectKeyStore } from '../../key-store/subject-key-store.port.js';
import type { SubjectCommand } from '../../domain/subject/subject.commands.js';
import type { SubjectCommandRequest } from '../request-context/command-context.js';
import { MAX_CONFLICT_ATTEMPTS, StreamCommandExecutor } from '../write-path/stream-command-executor.js';
import { SubjectWritePath } from './subject-write-path.js';

/**
 * A real SQLite store with another writer slipping in: before each of the first
 * `interference` appends of the executor, one event is appended to the same stream
 * behind its back, exactly as a concurrent request would.
 */
class InterferingStore extends SqliteEventStore {
  appendAttempts = 0;

  constructor(private interference: number) {
    super(openSqliteFile(join(mkdtempSync(join(tmpdir(), 'ledger-exec-')), 'events.sqlite')));
  }

  override async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision) {
    this.appendAttempts++;
    if (this.interference > 0) {
      this.interference--;
      const sneaky = { ...events[0]!, id: uuidV7Generator.newId(), type: 'data-transferred', data: { note: 'other writer' } };
      await super.append(streamId, [sneaky], 'any');
    }
    return super.append(streamId, events, expected);
  }
}

const keyStoreIn = (dir: string): SubjectKeyStore => openSqliteSubjectKeyStore(join(dir, 'keys.sqlite'));

const executorWith = (
  store: EventStore,
  keys: SubjectKeyStore = keyStoreIn(mkdtempSync(join(tmpdir(), 'ledger-exec-keys-'))),
  env = {},
  metrics?: LedgerMetrics,
) => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-exec-idem-'));
  const clock = { now: () => new Date('2026-01-01T00:00:00Z') };
  const personalData = new PersonalData(keys, masterKeyFrom(randomBytes(32), 'test'), clock);
  const streams = new StreamCommandExecutor(
    store,
    new SqliteIdempotencyStore(openSqliteFile(join(dir, 'idempotency.sqlite'))),
    clock,
    metrics,
  );
  const subjects = new SubjectWritePath(store, uuidV7Generator, parseConfig(env), personalData);
  return { execute: (request: SubjectCommandRequest) => streams.execute(subjects.write(request)), personalData, keys };
};

const aRequest = (subjectId: string, command: SubjectCommand): SubjectCommandRequest => ({
  commandId: uuidV7Generator.newId(),
  tenantId: 'acme',
  subjectId,
  occurredAt: undefined,
  actor: 'test',
  correlationId: 'c',
  idempotency: undefined,
  command,
});

const transfer = (subjectId: string): SubjectCommandRequest => ({
  commandId: uuidV7Generator.newId(),
  tenantId: 'acme',
  subjectId,
  occurredAt: undefined,
  actor: 'test',
  correlationId: 'c',
  idempotency: undefined,
  command: {
    type: 'record-transfer',
    recipient: { id: 'r', name: 'R', kind: 'processor' },
    country: 'IN',
    dataCategories: ['pii.name'],
    purpose: 'crm-access',
    legalBasis: 'contract',
  },
});

describe('the write path under version conflicts', () => {
  it('retries on fresh state and succeeds when a conflict clears', async () => {
    const store = new InterferingStore(2);
    const metrics = new LedgerMetrics();
    const outcome = await executorWith(store, undefined, {}, metrics).execute(transfer('s-retry'));
    expect(outcome.status).toBe(201);
    expect(store.appendAttempts).toBe(3);
    expect((await metrics.registry.getSingleMetric('ledger_append_conflicts_total')!.get()).values[0]?.value).toBe(2);
    // Two events from the other writer, then ours, appended after them.
    expect(outcome.body.events[0]?.streamPosition).toBe(2);
    expect(await store.readStream('subject-acme/s-retry')).toHaveLength(3);
  });

  it(`answers concurrent-modification after ${MAX_CONFLICT_ATTEMPTS} conflicts and writes nothing of its own`, async () => {
    const store = new InterferingStore(Number.POSITIVE_INFINITY);
    const attempt = executorWith(store).execute(transfer('s-busy'));
    await expect(attempt).rejects.toBeInstanceOf(LedgerError);
    await expect(attempt).rejects.toMatchObject({ code: 'concurrent-modification', status: 409 });
    expect(store.appendAttempts).toBe(MAX_CONFLICT_ATTEMPTS);
    const stream = await store.readStream('subject-acme/s-busy');
    expect(stream.every((e) => (e.data as { note?: string }).note === 'other writer')).toBe(true);
  });

  it('lets errors other than conflicts through at once', async () => {
    const store = new InterferingStore(0);
    store.append = async () => {
      throw new Error('disk on fire');
    };
    await expect(executorWith(store).execute(transfer('s-fire'))).rejects.toThrow('disk on fire');
    expect(WrongExpectedVersionError).toBeDefined();
  });
});

describe('the write path and personal data', () => {
  const consent: SubjectCommand = {
    type: 'give-consent',
    purposes: ['crm-access'],
    policyVersion: 'v1',
    channel: 'web',
    evidence: { ipAddress: '192.0.2.44', contact: 'ravi@example.net' },
  };

  it('seals personal values before chaining: no plaintext is stored and the hash covers the sealed bytes', async () => {
    const store = new InterferingStore(0);
    const executor = executorWith(store);
    const subjectId = `s-${randomUUID()}`;
    await executor.execute(aRequest(subjectId, consent));
    const [stored] = await store.readStream(`subject-acme/${subjectId}`);
    const evidence = stored?.data['evidence'] as Record<string, unknown>;
    expect(isSealed(evidence['ipAddress'])).toBe(true);
    expect(isSealed(evidence['contact'])).toBe(true);
    expect(JSON.stringify(stored)).not.toContain('ravi@example.net');
    expect(stored?.metadata.hash).toBe(eventHash(stored!));
    const [opened] = await executor.personalData.openEvents([stored!]);
    expect(opened?.data['evidence']).toEqual({ ipAddress: '192.0.2.44', contact: 'ravi@example.net' });
  });

  it('creates no key for a subject whose commands hold no personal value', async () => {
    const executor = executorWith(new InterferingStore(0));
    const subjectId = `s-${randomUUID()}`;
    expect((await executor.execute(transfer(subjectId))).status).toBe(201);
    expect((await executor.keys.findMany([subjectKeyId('acme', subjectId)])).size).toBe(0);
  });

  it('destroys the key once the erasure completes, in the append that records the shredding', async () => {
    const store = new InterferingStore(0);
    const executor = executorWith(store, undefined, { LEDGER_ERASURE_SYSTEMS: 'crm,backups' });
    const subjectId = `s-${randomUUID()}`;
    const id = subjectKeyId('acme', subjectId);
    await executor.execute(aRequest(subjectId, consent));
    await executor.execute(aRequest(subjectId, { type: 'request-erasure', reason: 'asked' }));
    await executor.execute(aRequest(subjectId, { type: 'confirm-erasure', system: 'crm' }));
    expect((await executor.keys.findMany([id])).size).toBe(1);

    const last = await executor.execute(aRequest(subjectId, { type: 'confirm-erasure', system: 'backups', evidence: 'purge 9' }));

    expect(last.body.events.map((event) => event.type)).toEqual(['deletion-completed', 'subject-data-shredded']);
    expect((await executor.keys.findMany([id])).size).toBe(0);
    expect(await executor.keys.markedForShredding()).toEqual([]);
    const opened = await executor.personalData.openEvents(await store.readStream(`subject-acme/${subjectId}`));
    expect(opened[0]?.data['evidence']).toEqual({ ipAddress: '[erased]', contact: '[erased]' });
    expect(opened.at(-2)?.data['evidence']).toBe('[erased]');
  });

  it('answers 201 when the key cannot be deleted after the append, and leaves it marked for the start-up sweep', async () => {
    const store = new InterferingStore(0);
    const keys = keyStoreIn(mkdtempSync(join(tmpdir(), 'ledger-exec-keys-')));
    const failingOnce = Object.create(keys) as SubjectKeyStore;
    let failures = 1;
    failingOnce.delete = async (id) => {
      if (failures-- > 0) throw new Error('disk on fire');
      return keys.delete(id);
    };
    const executor = executorWith(store, failingOnce, { LEDGER_ERASURE_SYSTEMS: 'crm' });
    const subjectId = `s-${randomUUID()}`;
    await executor.execute(aRequest(subjectId, consent));
    await executor.execute(aRequest(subjectId, { type: 'request-erasure' }));

    const outcome = await executor.execute(aRequest(subjectId, { type: 'confirm-erasure', system: 'crm' }));

    expect(outcome.status).toBe(201);
    expect((await keys.markedForShredding()).map((r) => r.subjectId)).toEqual([subjectId]);
    const wasShredded = async ({ subjectId: s }: { subjectId: string }) =>
      (await store.readStream(`subject-acme/${s}`)).some((event) => event.type === 'subject-data-shredded');
    expect(await executor.personalData.sweepInterruptedShreds(wasShredded)).toBe(1);
    expect((await keys.findMany([subjectKeyId('acme', subjectId)])).size).toBe(0);
  });

  it('leaves a mark alone when the shredding was never appended', async () => {
    const keys = keyStoreIn(mkdtempSync(join(tmpdir(), 'ledger-exec-keys-')));
    const executor = executorWith(new InterferingStore(0), keys);
    const subjectId = `s-${randomUUID()}`;
    await executor.execute(aRequest(subjectId, consent));
    await executor.personalData.markForShredding('acme', subjectId);
    expect(await executor.personalData.sweepInterruptedShreds(async () => false)).toBe(0);
    expect((await keys.findMany([subjectKeyId('acme', subjectId)])).size).toBe(1);
  });

  it('removes a key that a racing writer created for an erased subject, when it is refused as subject-erased', async () => {
    const executor = executorWith(new InterferingStore(0), undefined, { LEDGER_ERASURE_SYSTEMS: 'crm' });
    const subjectId = `s-${randomUUID()}`;
    await executor.execute(aRequest(subjectId, consent));
    await executor.execute(aRequest(subjectId, { type: 'request-erasure' }));
    await executor.execute(aRequest(subjectId, { type: 'confirm-erasure', system: 'crm' }));
    // A writer that read the stream before the shredding seals with a fresh key, then loses the race.
    await executor.personalData.seal('acme', subjectId, [
      {
        id: randomUUID(),
        type: 'data-transferred',
        occurredAt: '2026-01-01T00:00:00.000Z',
        recordedAt: '2026-01-01T00:00:00.000Z',
        data: { reference: 'late' },
        metadata: { tenantId: 'acme', subjectId, actor: 'a', correlationId: 'c', causationId: 'c', idempotencyKey: null },
      },
    ]);
    expect((await executor.keys.findMany([subjectKeyId('acme', subjectId)])).size).toBe(1);

    await expect(executor.execute(aRequest(subjectId, consent))).rejects.toMatchObject({ code: 'subject-erased' });

    expect((await executor.keys.findMany([subjectKeyId('acme', subjectId)])).size).toBe(0);
  });
});
