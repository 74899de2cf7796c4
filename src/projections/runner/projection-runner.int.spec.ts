import { afterEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '../../event-store/event-store.port.js';
import { SqliteEventStore } from '../../event-store/sqlite/sqlite-event-store.js';
import { openSqliteFile } from '../../platform/sqlite/sqlite-file.js';
import { SqliteReadStore } from '../../read-store/sqlite/sqlite-read-store.js';
import { PROJECTIONS } from '../../app.projections.js';
import { ProjectionRunner } from './projection-runner.js';

const event = (type: string, data: Record<string, unknown>): NewEvent => ({
  id: randomUUID(),
  type,
  occurredAt: '2026-01-01T00:00:00.000Z',
  recordedAt: '2026-01-01T00:00:00.000Z',
  data,
  metadata: { tenantId: 'acme', subjectId: 's1', actor: 'test', correlationId: 'c', causationId: 'c', idempotencyKey: null },
});

const transfer = () =>
  event('data-transferred', {
    transferId: randomUUID(),
    recipient: { id: 'r', name: 'R', kind: 'processor' },
    country: 'IN',
    dataCategories: ['pii.name'],
    purpose: 'crm-access',
    legalBasis: 'contract',
  });

describe('the projection runner', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  const start = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-runner-'));
    const events = new SqliteEventStore(openSqliteFile(join(dir, 'events.sqlite')));
    const readStore = new SqliteReadStore(openSqliteFile(join(dir, 'read-models.sqlite')));
    const runner = new ProjectionRunner(events, readStore, PROJECTIONS);
    await runner.onApplicationBootstrap();
    cleanups.push(async () => {
      await runner.beforeApplicationShutdown();
      await Promise.all([events.close(), readStore.close()]);
      rmSync(dir, { recursive: true, force: true });
    });
    return { events, readStore, runner };
  };

  it('follows new events live, woken by the commit rather than a poll', async () => {
    const { events, runner, readStore } = await start();
    const appended = await events.append('subject-acme/s1', [transfer()], 'no-stream');
    const position = appended.events[0]!.globalPosition;
    const started = Date.now();
    await runner.waitFor('transfer-register', position, 2000);
    // The idle poll is 1 s: being caught up well before it shows the in-process wake-up.
    expect(Date.now() - started).toBeLessThan(500);
    expect(await readStore.count('transfer_register')).toBe(1);
    expect(await readStore.getCheckpoint('transfer-register')).toBe(position);
  });

  it('stops a projection on an event its code cannot apply, reports it, and lets the others go on', async () => {
    const { events, runner } = await start();
    // A consent-given without purposes: subject-status and subject-history cannot fold it.
    const poison = await events.append('subject-acme/s1', [event('consent-given', { policyVersion: '1', channel: 'web' })], 'no-stream');
    const after = await events.append('subject-acme/s1', [transfer()], 0);
    const last = after.events[0]!.globalPosition;

    await runner.waitFor('transfer-register', last, 2000);
    await runner.waitFor('erasure-monitor', last, 2000);
    await expect(runner.waitFor('subject-status', last, 2000)).rejects.toMatchObject({ code: 'read-model-lagging' });

    const health = Object.fromEntries(runner.health().map((h) => [h.name, h]));
    expect(health['subject-status']).toMatchObject({
      state: 'failed',
      failedEventId: poison.events[0]!.id,
      position: 0,
    });
    expect(health['subject-status']?.error).toContain(poison.events[0]!.id);
    expect(health['subject-history']?.state).toBe('failed');
    expect(health['transfer-register']).toMatchObject({ state: 'running', position: last });
  });

  it('catches up from its checkpoint after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-runner-restart-'));
    const open = () => ({
      events: new SqliteEventStore(openSqliteFile(join(dir, 'events.sqlite'))),
      readStore: new SqliteReadStore(openSqliteFile(join(dir, 'read-models.sqlite'))),
    });
    const first = open();
    const firstRunner = new ProjectionRunner(first.events, first.readStore, PROJECTIONS);
    await firstRunner.onApplicationBootstrap();
    const one = await first.events.append('subject-acme/s1', [transfer()], 'no-stream');
    await firstRunner.waitFor('transfer-register', one.events[0]!.globalPosition);
    await firstRunner.beforeApplicationShutdown();
    // Written while no runner is running.
    const two = await first.events.append('subject-acme/s1', [transfer(), transfer()], 0);
    await Promise.all([first.events.close(), first.readStore.close()]);

    const second = open();
    const secondRunner = new ProjectionRunner(second.events, second.readStore, PROJECTIONS);
    await secondRunner.onApplicationBootstrap();
    await secondRunner.waitFor('transfer-register', two.events[1]!.globalPosition);
    expect(await second.readStore.count('transfer_register')).toBe(3);
    await secondRunner.beforeApplicationShutdown();
    await Promise.all([second.events.close(), second.readStore.close()]);
    rmSync(dir, { recursive: true, force: true });
  });
});
