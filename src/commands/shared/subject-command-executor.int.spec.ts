import { describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../config/ledger-config.js';
import { LedgerError } from '../../domain/ledger-error.js';
import {
  WrongExpectedVersionError,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
} from '../../event-store/event-store.port.js';
import { SqliteEventStore } from '../../event-store/sqlite/sqlite-event-store.js';
import { SqliteIdempotencyStore } from '../../idempotency/sqlite-idempotency-store.js';
import { uuidV7Generator } from '../../platform/ids.js';
import { openSqliteFile } from '../../platform/sqlite-file.js';
import { MAX_CONFLICT_ATTEMPTS, SubjectCommandExecutor, type SubjectCommandRequest } from './subject-command-executor.js';

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

const executorWith = (store: EventStore) => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-exec-idem-'));
  const clock = { now: () => new Date('2026-01-01T00:00:00Z') };
  return new SubjectCommandExecutor(
    store,
    new SqliteIdempotencyStore(openSqliteFile(join(dir, 'idempotency.sqlite'))),
    clock,
    uuidV7Generator,
    parseConfig({}),
  );
};

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
    const outcome = await executorWith(store).execute(transfer('s-retry'));
    expect(outcome.status).toBe(201);
    expect(store.appendAttempts).toBe(3);
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
