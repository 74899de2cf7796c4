import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { policyStreamId, subjectStreamId } from '../../src/domain/stream-id.js';
import { personalFieldList } from '../../src/domain/subject/subject.personal-fields.js';
import { storedPersonalValues, withValueAt } from '../../src/privacy/personal-fields.js';
import type { NewEvent } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { GENESIS_HASH, chainEvents } from '../../src/evidence/event-hash.js';
import { fieldAad, newDataKey, sealValue } from '../../src/privacy/field-cipher.js';
import { masterKeyFrom, wrapDataKey } from '../../src/privacy/master-key.js';
import { SqliteSubjectKeyStore } from '../../src/key-store/sqlite/sqlite-subject-key-store.js';
import { openSqliteFile } from '../../src/platform/sqlite/sqlite-file.js';

/**
 * A benchmark log: `events` events over `subjects` data subjects in 20 tenants, in a data
 * directory the ledger can be started on (events.sqlite, keys.sqlite and the generated
 * `master-key` file the app itself reads when LEDGER_MASTER_KEY is unset).
 *
 * How the rows are made: each subject's history is a fixed script of commands (consent,
 * transfers, for one subject in three a withdrawal of everything that opens an erasure, the
 * systems' confirmations and, when all have confirmed, the shredding event) turned into events
 * exactly as the write path does it: the same envelope as `toNewEvents` (UUIDv7 ids, causation
 * and correlation ids, recordedAt), personal values sealed with the subject's data key like
 * `PersonalData.seal` (same cipher, same AAD), the hash chain from `chainEvents`, and stored by
 * the real `SqliteEventStore.append` (so the rows are the adapter's own bytes; keys by the real
 * `SqliteSubjectKeyStore`). What is skipped is HTTP, validation and `decide`: the script only
 * produces sequences `decide` accepts. Speed comes from running many appends inside one outer
 * transaction (better-sqlite3 turns each append's transaction into a savepoint) with
 * synchronous=OFF while generating: the files are thrown away if generation does not finish.
 *
 * Generated once per (events, subjects, version) and cached under bench/.cache/.
 */
export interface GeneratedLog {
  readonly dataDir: string;
  readonly events: number;
  readonly subjects: number;
  /** Whether it was generated now (false: taken from the cache). */
  readonly generated: boolean;
  readonly generateSeconds: number;
}

/** Bumped whenever the script below changes, so stale caches are not reused. */
const GENERATOR_VERSION = 2;
const TENANTS = 20;
const SYSTEMS = ['crm', 'call-recordings', 'analytics', 'backups'];
const COUNTRIES = ['IN', 'SG', 'US', 'DE', 'IE', 'GB', 'JP'];
const KINDS = ['cloud-host', 'processor', 'development-partner'] as const;
const CATEGORIES = [['pii.name', 'pii.phone-number'], ['pii.email-address'], ['pii.call-records', 'npii.backend-logs'], ['npii.ip-address', 'npii.cookies']];
const PURPOSES = ['crm-access', 'call-analytics', 'usage-analytics'];
const CHANNELS = ['web', 'mobile-app', 'api', 'browser-extension'];
/** Appends per outer transaction while generating. */
const SUBJECTS_PER_TRANSACTION = 2000;

/** A fixed master key for benchmark data only (derived from a constant, never used elsewhere). */
export const BENCH_MASTER_KEY = createHash('sha256').update('privacy-ledger benchmark master key').digest();

export const logDirectory = (cacheRoot: string, events: number, subjects: number): string =>
  join(cacheRoot, `log-v${GENERATOR_VERSION}-e${events}-s${subjects}`);

export const ensureLog = async (cacheRoot: string, events: number, subjects: number): Promise<GeneratedLog> => {
  const dataDir = logDirectory(cacheRoot, events, subjects);
  if (existsSync(join(dataDir, 'complete'))) return { dataDir, events, subjects, generated: false, generateSeconds: 0 };
  const building = `${dataDir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  const started = performance.now();
  await generate(building, events, subjects);
  writeFileSync(join(building, 'complete'), `${JSON.stringify({ events, subjects, version: GENERATOR_VERSION })}\n`);
  rmSync(dataDir, { recursive: true, force: true });
  renameSync(building, dataDir);
  return { dataDir, events, subjects, generated: true, generateSeconds: Number(((performance.now() - started) / 1000).toFixed(1)) };
};

const generate = async (dir: string, totalEvents: number, subjects: number): Promise<void> => {
  // The file the app reads as its generated master key (master-key.ts), so `node dist/main.js`
  // on this directory opens the sealed values.
  writeFileSync(join(dir, 'master-key'), `${BENCH_MASTER_KEY.toString('base64')}\n`, { mode: 0o600 });
  const master = masterKeyFrom(BENCH_MASTER_KEY, 'bench');
  const eventsDb = openSqliteFile(join(dir, 'events.sqlite'));
  const keysDb = openSqliteFile(join(dir, 'keys.sqlite'), { synchronous: 'FULL', secureDelete: true });
  eventsDb.pragma('synchronous = OFF');
  keysDb.pragma('synchronous = OFF');
  const store = new SqliteEventStore(eventsDb);
  const keyStore = new SqliteSubjectKeyStore(keysDb);
  const start = Date.parse('2025-01-01T00:00:00Z');
  // Spread the history over a year, in order: subject s's commands happen at increasing times.
  const step = Math.max(1, Math.floor((365 * 86_400_000) / Math.max(1, totalEvents)));
  let clock = start;
  const tick = () => new Date((clock += step)).toISOString();

  // The appends run inside the outer transaction: `append` is async only in its signature (its
  // work is done before it returns); its promise is awaited after the commit to surface a failure.
  const appends: Promise<unknown>[] = [];
  const appendNow = (streamId: string, events: NewEvent[], expected: 'no-stream' | number) =>
    appends.push(store.append(streamId, events, expected));

  let written = 0;
  eventsDb.transaction(() => {
    for (let t = 0; t < TENANTS; t++) {
      const at = tick();
      const event = envelope('policy-published', at, at, `tenant-${t}`, '', {
        version: '2024-06',
        effectiveFrom: '2024-06-01T00:00:00.000Z',
        material: true,
        url: `https://example.com/tenant-${t}/privacy/2024-06`,
        textSha256: createHash('sha256').update(`policy of tenant-${t}`).digest('hex'),
      });
      appendNow(policyStreamId(`tenant-${t}`), chainEvents(policyStreamId(`tenant-${t}`), GENESIS_HASH, 0, [event]), 'no-stream');
      written++;
    }
  })();

  const base = Math.floor((totalEvents - written) / subjects);
  let extra = totalEvents - written - base * subjects;
  for (let first = 0; first < subjects; first += SUBJECTS_PER_TRANSACTION) {
    const last = Math.min(subjects, first + SUBJECTS_PER_TRANSACTION);
    const keyRecords: Parameters<SqliteSubjectKeyStore['insertIfAbsent']>[0][] = [];
    // Subjects of one chunk act in turns (one command each per round), so a subject's events are
    // spread over the chunk's stretch of the log as in real traffic, not stored back to back.
    const chunk: Acting[] = [];
    for (let s = first; s < last; s++) {
      const share = base + (extra-- > 0 ? 1 : 0);
      if (share <= 0) continue;
      const tenantId = `tenant-${s % TENANTS}`;
      const subjectId = `subject-${s}`;
      chunk.push({ tenantId, subjectId, streamId: subjectStreamId(tenantId, subjectId), key: newDataKey(), commands: script(s, share), next: 0, prevHash: GENESIS_HASH, position: 0, shredded: false, firstAt: '' });
    }
    eventsDb.transaction(() => {
      for (let active = chunk; active.length > 0; active = active.filter((subject) => subject.next < subject.commands.length)) {
        for (const subject of active) {
          const command = subject.commands[subject.next++]!;
          const at = tick();
          if (subject.position === 0) subject.firstAt = at;
          const decided = command.facts(at).map((fact, index) =>
            envelope(fact.type, fact.occurredAt, at, subject.tenantId, subject.subjectId, fact.data, index, command),
          );
          const sealed = decided.map((event) => seal(subject.key, event));
          const chained = chainEvents(subject.streamId, subject.prevHash, subject.position, sealed);
          appendNow(subject.streamId, chained, subject.position === 0 ? 'no-stream' : subject.position - 1);
          subject.prevHash = chained.at(-1)!.metadata.hash!;
          subject.position += chained.length;
          written += chained.length;
          if (chained.some((event) => event.type === 'subject-data-shredded')) subject.shredded = true;
        }
      }
      // A shredded subject's key is gone (destroyed after its last append); every other keeps one.
      for (const subject of chunk) {
        if (subject.shredded) continue;
        keyRecords.push({
          tenantId: subject.tenantId,
          subjectId: subject.subjectId,
          wrappedKey: wrapDataKey(master, subject.key, subject.tenantId, subject.subjectId),
          masterKeyId: master.id,
          createdAt: subject.firstAt,
        });
      }
    })();
    keysDb.transaction(() => {
      for (const record of keyRecords) appends.push(keyStore.insertIfAbsent(record));
    })();
    await Promise.all(appends.splice(0));
  }
  await Promise.all(appends.splice(0));
  if (written !== totalEvents) throw new Error(`generated ${written} events, expected ${totalEvents}`);
  eventsDb.pragma('wal_checkpoint(TRUNCATE)');
  keysDb.pragma('wal_checkpoint(TRUNCATE)');
  await Promise.all([store.close(), keyStore.close()]);
};

interface Fact {
  readonly type: string;
  readonly occurredAt: string;
  readonly data: Record<string, unknown>;
}

interface Command {
  readonly commandId: string;
  readonly correlationId: string;
  /** The facts `decide` would return for this command at this time. */
  readonly facts: (at: string) => Fact[];
}

/** A subject of the chunk being generated, and how far its script has got. */
interface Acting {
  readonly tenantId: string;
  readonly subjectId: string;
  readonly streamId: string;
  readonly key: Buffer;
  readonly commands: readonly Command[];
  next: number;
  prevHash: string;
  position: number;
  shredded: boolean;
  firstAt: string;
}

/**
 * The commands of one subject, whose events add up to exactly `share`: a consent, then
 * transfers; for one subject in three (with room for it) the withdrawal of everything (which
 * opens the erasure in the same append, as `decide` does), the systems' confirmations, and
 * with the last one the shredding event.
 */
const script = (s: number, share: number): Command[] => {
  const commands: Command[] = [];
  const command = (facts: (at: string) => Fact[]) => {
    commands.push({ commandId: uuidv7(), correlationId: randomUUID(), facts });
  };
  command((at) => [
    {
      type: 'consent-given',
      occurredAt: at,
      data: {
        purposes: PURPOSES,
        policyVersion: '2024-06',
        channel: CHANNELS[s % CHANNELS.length]!,
        subjectType: s % 4 === 0 ? 'authorised-user' : 'end-user',
        evidence: { ipAddress: `203.0.${(s >> 8) & 255}.${s & 255}`, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0', contact: `user${s}@example.com` },
      },
    },
  ]);
  // Erasure: withdrawal + request (2 events) + 4 confirmations, the last with the shredding (1).
  const erasing = s % 3 === 0 && share >= 1 + 2 + SYSTEMS.length + 1;
  const transfers = share - 1 - (erasing ? 2 + SYSTEMS.length + 1 : 0);
  for (let t = 0; t < transfers; t++) {
    command((at) => [
      {
        type: 'data-transferred',
        occurredAt: at,
        data: {
          transferId: uuidv7(),
          recipient: { id: `recipient-${(s + t) % 11}`, name: `Recipient ${(s + t) % 11}`, kind: KINDS[(s + t) % KINDS.length]! },
          country: COUNTRIES[(s + t) % COUNTRIES.length]!,
          dataCategories: CATEGORIES[t % CATEGORIES.length]!,
          purpose: PURPOSES[t % PURPOSES.length]!,
          legalBasis: t % 2 === 0 ? 'consent' : 'contract',
          ...(t % 4 === 0 && { reference: `ticket ${s}-${t}` }),
        },
      },
    ]);
  }
  if (erasing) {
    let deletionId = '';
    command((at) => {
      deletionId = uuidv7();
      return [
        { type: 'consent-withdrawn', occurredAt: at, data: { purposes: PURPOSES, channel: 'web', reason: 'no longer a customer' } },
        {
          type: 'deletion-requested',
          occurredAt: at,
          data: {
            deletionId,
            requestedAt: at,
            dueAt: new Date(Date.parse(at) + 30 * 86_400_000).toISOString(),
            systems: SYSTEMS,
            trigger: 'all-consent-withdrawn',
          },
        },
      ];
    });
    SYSTEMS.forEach((system, c) => {
      command((at) => {
        const remainingSystems = SYSTEMS.slice(c + 1);
        const completed: Fact = {
          type: 'deletion-completed',
          occurredAt: at,
          data: { deletionId, system, completedAt: at, remainingSystems, evidence: `job ${system}-${s}` },
        };
        if (remainingSystems.length > 0) return [completed];
        return [completed, { type: 'subject-data-shredded', occurredAt: at, data: { deletionId, shreddedAt: at, fields: personalFieldList() } }];
      });
    });
  }
  return commands;
};

/** The envelope `toNewEvents` puts around decided facts (src/commands/write-path/event-envelopes.ts). */
const envelope = (
  type: string,
  occurredAt: string,
  recordedAt: string,
  tenantId: string,
  subjectId: string,
  data: Record<string, unknown>,
  index = 0,
  command?: Command,
  id = uuidv7(),
): NewEvent & { id: string } => {
  const commandId = command?.commandId ?? uuidv7();
  if (command && index === 0) (command as { firstEventId?: string }).firstEventId = id;
  return {
    id,
    type,
    occurredAt,
    recordedAt,
    data,
    metadata: {
      tenantId,
      subjectId,
      actor: subjectId === '' ? 'policy-admin' : 'crm-service',
      correlationId: command?.correlationId ?? randomUUID(),
      causationId: index === 0 ? commandId : ((command as { firstEventId?: string } | undefined)?.firstEventId ?? commandId),
      idempotencyKey: null,
    },
  };
};

/** `PersonalData.seal` with the key in hand (no key-store round trip per event). */
const seal = (key: Buffer, event: NewEvent): NewEvent => {
  let data: Readonly<Record<string, unknown>> = event.data;
  for (const { path, value } of storedPersonalValues(event.type, event.data)) {
    data = withValueAt(data, path, sealValue(key, value, fieldAad(event.id, path)));
  }
  return data === event.data ? event : { ...event, data };
};
