import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildLedger } from '../../test/support/build-ledger.js';
import { newDataDir, removeDataDir, startLedger } from '../../test/support/ledger-app.js';
import { consentBody, newSubject, subjectPath, transferBody } from '../../test/support/requests.js';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store.js';
import { openSqliteFile } from '../platform/sqlite/sqlite-file.js';
import { GENESIS_HASH, chainEvents, eventHash } from './event-hash.js';
import { leafHash, rootHash } from './merkle.js';
import { describeFailure, verifyLog, type VerifyResult } from './verify-log.js';

interface Row {
  global_position: number;
  event_id: string;
  stream_id: string;
  stream_position: number;
  type: string;
  occurred_at: string;
  recorded_at: string;
  data: string;
  metadata: string;
}

/**
 * The hash chain end to end on the embedded store: a log written by the real app verifies;
 * the same file tampered with in SQLite (below the app) fails, naming the first bad event.
 */
describe('verifying the event log', () => {
  const dirs: string[] = [];
  let goodDir: string;
  let streamA: string;

  const copyOfLog = (): string => {
    const dir = newDataDir();
    dirs.push(dir);
    copyFileSync(join(goodDir, 'events.sqlite'), join(dir, 'events.sqlite'));
    return dir;
  };
  const verifyDir = async (dir: string, options = {}): Promise<VerifyResult> => {
    const store = new SqliteEventStore(openSqliteFile(join(dir, 'events.sqlite')));
    try {
      return await verifyLog(store.readAll(), options);
    } finally {
      await store.close();
    }
  };
  const tamper = (dir: string, work: (db: Database.Database, rows: Row[]) => void): void => {
    const db = new Database(join(dir, 'events.sqlite'));
    try {
      work(db, db.prepare<[], Row>('SELECT * FROM events ORDER BY global_position').all());
    } finally {
      db.close();
    }
  };
  const rowOf = (rows: Row[], streamId: string, position: number): Row => {
    const row = rows.find((r) => r.stream_id === streamId && r.stream_position === position);
    if (!row) throw new Error(`no row ${streamId}@${position}`);
    return row;
  };

  beforeAll(async () => {
    goodDir = newDataDir();
    dirs.push(goodDir);
    const ledger = await startLedger({ dataDir: goodDir, env: { LEDGER_ERASURE_SYSTEMS: 'crm,backups' } });
    try {
      const [a, b, c] = [subjectPath('acme', newSubject()), subjectPath('acme', newSubject()), subjectPath('globex', newSubject())];
      streamA = `subject-${a.split('/')[3]}/${a.split('/')[5]}`;
      const answers = [
        await ledger.post(`${a}/consents`, consentBody()),
        await ledger.post(`${b}/consents`, consentBody()),
        await ledger.post(`${a}/transfers`, transferBody({ recipient: { id: 'aws-sg', name: 'Amazon Web Services', kind: 'cloud-host' } })),
        await ledger.post(`${c}/deletion-requests`, { reason: 'asked by mail' }),
        await ledger.post(`${a}/transfers`, transferBody({ reference: 'second' })),
        await ledger.post(`${b}/transfers`, transferBody()),
        await ledger.post(`${a}/consents/withdrawals`, {}),
        await ledger.post(`${c}/deletion-completions`, { system: 'crm' }),
      ];
      expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(201));
    } finally {
      await ledger.close();
    }
  });
  afterAll(() => dirs.forEach(removeDataDir));

  // 8 commands: the withdrawal also opens an erasure, which owes aws-sg a notice (10 events).
  it('accepts the log the app wrote', async () => {
    expect(await verifyDir(goodDir)).toEqual({ ok: true, events: 10, streams: 3, lastPosition: 10, unhashed: 0 });
  });

  it('names an event whose data was changed', async () => {
    const dir = copyOfLog();
    let target!: Row;
    tamper(dir, (db, rows) => {
      target = rowOf(rows, streamA, 1);
      expect(target.data).toContain('"Amazon Web Services"');
      db.prepare('UPDATE events SET data = ? WHERE event_id = ?').run(
        target.data.replace('Amazon Web Services', 'Amazon Web Servicez'),
        target.event_id,
      );
    });
    const result = await verifyDir(dir);
    expect(result).toMatchObject({ ok: false, problem: 'hash mismatch', eventId: target.event_id, streamId: streamA, streamPosition: 1 });
  });

  it('names the event after a deleted one', async () => {
    const dir = copyOfLog();
    let next!: Row;
    tamper(dir, (db, rows) => {
      db.prepare('DELETE FROM events WHERE event_id = ?').run(rowOf(rows, streamA, 1).event_id);
      next = rowOf(rows, streamA, 2);
    });
    const result = await verifyDir(dir);
    expect(result).toMatchObject({ ok: false, problem: 'missing position', eventId: next.event_id, streamPosition: 2 });
  });

  it('names the first of two events of a stream whose global order was swapped', async () => {
    const dir = copyOfLog();
    let second!: Row;
    tamper(dir, (db, rows) => {
      const first = rowOf(rows, streamA, 1);
      second = rowOf(rows, streamA, 2);
      const move = db.prepare('UPDATE events SET global_position = ? WHERE event_id = ?');
      db.transaction(() => {
        move.run(-1, first.event_id);
        move.run(first.global_position, second.event_id);
        move.run(second.global_position, first.event_id);
      })();
    });
    const result = await verifyDir(dir);
    expect(result).toMatchObject({ ok: false, problem: 'out of order', eventId: second.event_id, streamPosition: 2 });
  });

  it('names an event whose prevHash was changed, with or without its hash recomputed', async () => {
    for (const recompute of [false, true]) {
      const dir = copyOfLog();
      let target!: Row;
      tamper(dir, (db, rows) => {
        target = rowOf(rows, streamA, 2);
        const metadata = JSON.parse(target.metadata);
        metadata.prevHash = 'f'.repeat(64);
        if (recompute) {
          metadata.hash = eventHash({
            id: target.event_id,
            type: target.type,
            streamId: target.stream_id,
            streamPosition: target.stream_position,
            occurredAt: target.occurred_at,
            recordedAt: target.recorded_at,
            data: JSON.parse(target.data),
            metadata,
          });
        }
        db.prepare('UPDATE events SET metadata = ? WHERE event_id = ?').run(JSON.stringify(metadata), target.event_id);
      });
      const result = await verifyDir(dir);
      expect(result).toMatchObject({ ok: false, problem: recompute ? 'broken chain' : 'hash mismatch', eventId: target.event_id });
    }
  });

  it('refuses an event without a hash unless legacy prefixes are allowed', async () => {
    const dir = copyOfLog();
    let target!: Row;
    tamper(dir, (db, rows) => {
      target = rowOf(rows, streamA, 3);
      const { hash: _h, prevHash: _p, ...legacy } = JSON.parse(target.metadata);
      db.prepare('UPDATE events SET metadata = ? WHERE event_id = ?').run(JSON.stringify(legacy), target.event_id);
    });
    expect(await verifyDir(dir)).toMatchObject({ ok: false, problem: 'missing hash', eventId: target.event_id });
    // Not a legacy prefix: the stream already had hashed events.
    expect(await verifyDir(dir, { allowUnhashed: true })).toMatchObject({ ok: false, problem: 'missing hash' });
  });

  it('accepts a legacy prefix without hashes only when asked, chained on from genesis', async () => {
    const store = new SqliteEventStore(openSqliteFile(':memory:'));
    const event = (id: string) => ({
      id,
      type: 'deletion-requested',
      occurredAt: '2025-06-02T04:00:00.000Z',
      recordedAt: '2025-06-02T04:00:00.000Z',
      data: { id },
      metadata: { tenantId: 't', subjectId: 's', actor: 'a', correlationId: 'c', causationId: 'c', idempotencyKey: null },
    });
    try {
      await store.append('subject-t/s', [event('legacy')], 'no-stream');
      await store.append('subject-t/s', chainEvents('subject-t/s', GENESIS_HASH, 1, [event('chained')]), 0);
      expect(await verifyLog(store.readAll())).toMatchObject({ ok: false, problem: 'missing hash', eventId: 'legacy' });
      expect(await verifyLog(store.readAll(), { allowUnhashed: true })).toEqual({
        ok: true,
        events: 2,
        streams: 1,
        lastPosition: 2,
        unhashed: 1,
      });
    } finally {
      await store.close();
    }
  });

  describe('through the built CLI', () => {
    let ledgerCli: string;
    const cli = (dataDir: string) => {
      const env: NodeJS.ProcessEnv = { ...process.env, LEDGER_DATA_DIR: dataDir };
      delete env['EVENTSTORE_CONNECTION_STRING'];
      return spawnSync(process.execPath, [ledgerCli, 'verify'], { env, encoding: 'utf8' });
    };

    // The test run's one build (tsc -p tsconfig.build.json, as `npm run build`), into dist-test/.
    beforeAll(async () => {
      ledgerCli = join(dirname(await buildLedger()), 'cli/ledger.js');
      expect(existsSync(ledgerCli)).toBe(true);
    }, 120_000);

    it('exits 0 with a summary on a good log', () => {
      const dir = copyOfLog();
      let root = '';
      tamper(dir, (_db, rows) => {
        root = rootHash(rows.map((row) => leafHash(Buffer.from(JSON.parse(row.metadata).hash, 'hex')))).toString('hex');
      });
      const run = cli(dir);
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/^verify: OK: 10 events in 3 streams, up to global position 10/);
      expect(run.stdout).toContain(`Merkle root ${root} (10 leaves)`);
    });

    it('exits non-zero naming the tampered event', () => {
      const dir = copyOfLog();
      let target!: Row;
      tamper(dir, (db, rows) => {
        target = rowOf(rows, streamA, 0);
        db.prepare('UPDATE events SET data = ? WHERE event_id = ?').run(target.data.replace('"web"', '"sms"'), target.event_id);
      });
      const run = cli(dir);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(target.event_id);
      expect(run.stderr).toContain('hash mismatch');
      expect(run.stdout).toBe('');
    });
  });

  it('describes a failure in one line', () => {
    expect(
      describeFailure({
        ok: false,
        problem: 'broken chain',
        eventId: 'e1',
        streamId: 'subject-t/s',
        streamPosition: 2,
        globalPosition: 7,
        detail: 'why',
        eventsBefore: 6,
      }),
    ).toBe('broken chain: event e1 (stream subject-t/s, position 2, global position 7): why');
  });
});
