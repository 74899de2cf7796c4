import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config/ledger-config.js';
import type { NewEvent, StoredEvent } from '../event-store/event-store.port.js';
import { ERASED, SEALED_PREFIX, UNREADABLE, isSealed } from './field-cipher.js';
import { masterKeyFrom, type MasterKey } from './master-key.js';
import { PersonalData, UnwrapMemo, sealedValuesOf } from './personal-data.js';
import { openSqliteSubjectKeyStore } from '../key-store/sqlite/sqlite-subject-key-store.js';
import { subjectKeyId, type SubjectKeyStore } from '../key-store/subject-key-store.port.js';

const clock = { now: () => new Date('2026-01-01T00:00:00.000Z') };

/** A key store that counts its lookups. */
const counting = (store: SubjectKeyStore) => {
  const counter = { lookups: 0 };
  const wrapped = Object.create(store) as SubjectKeyStore;
  wrapped.findMany = async (ids) => {
    counter.lookups++;
    return store.findMany(ids);
  };
  return { store: wrapped, counter };
};

const anEvent = (tenantId: string, subjectId: string, type: string, data: Record<string, unknown>): NewEvent => ({
  id: randomUUID(),
  type,
  occurredAt: '2026-01-01T00:00:00.000Z',
  recordedAt: '2026-01-01T00:00:00.000Z',
  data,
  metadata: { tenantId, subjectId, actor: 'test', correlationId: 'c', causationId: 'c', idempotencyKey: null },
});

const stored = (event: NewEvent, position = 1): StoredEvent => ({ ...event, streamId: 's', streamPosition: 0, globalPosition: position });

describe('personal data (seal, open, shred)', () => {
  let dir: string;
  let keys: SubjectKeyStore;
  let master: MasterKey;
  let counter: { lookups: number };
  let personal: PersonalData;
  let warnings: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-personal-'));
    ({ store: keys, counter } = counting(openSqliteSubjectKeyStore(join(dir, 'keys.sqlite'))));
    master = masterKeyFrom(randomBytes(32), 'test');
    personal = new PersonalData(keys, master, clock);
    warnings = [];
    (personal as unknown as { logger: { warn: (m: string) => void } }).logger = { warn: (message: string) => warnings.push(message) };
  });
  afterEach(async () => {
    await keys.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('seals every personal value with one key lookup per command and opens it again', async () => {
    const events = [
      anEvent('acme', 'u1', 'consent-withdrawn', { purposes: ['crm-access'], reason: 'moving away' }),
      anEvent('acme', 'u1', 'deletion-requested', { deletionId: 'd', reason: 'asked twice' }),
    ];
    const sealed = await personal.seal('acme', 'u1', events);
    expect(counter.lookups).toBe(1);
    expect(sealed.map((e) => isSealed(e.data['reason']))).toEqual([true, true]);
    expect(sealed[0]?.data['purposes']).toEqual(['crm-access']);
    expect(events[0]?.data['reason']).toBe('moving away');

    const opened = await personal.openEvents(sealed.map((e, i) => stored(e, i + 1)));
    expect(opened.map((e) => e.data['reason'])).toEqual(['moving away', 'asked twice']);
    expect(counter.lookups).toBe(2);
  });

  it('creates no key when no event holds a personal value', async () => {
    const events = [anEvent('acme', 'u2', 'consent-given', { purposes: ['crm-access'], policyVersion: 'v1', channel: 'web' })];
    expect(await personal.seal('acme', 'u2', events)).toEqual(events);
    expect((await keys.findMany([subjectKeyId('acme', 'u2')])).size).toBe(0);
  });

  it('seals with the same key across commands of one subject, and with another key for another subject', async () => {
    await personal.seal('acme', 'u3', [anEvent('acme', 'u3', 'data-transferred', { reference: 'a' })]);
    const first = (await keys.findMany([subjectKeyId('acme', 'u3')])).get(subjectKeyId('acme', 'u3'));
    await personal.seal('acme', 'u3', [anEvent('acme', 'u3', 'data-transferred', { reference: 'b' })]);
    await personal.seal('acme', 'u4', [anEvent('acme', 'u4', 'data-transferred', { reference: 'c' })]);
    const found = await keys.findMany([subjectKeyId('acme', 'u3'), subjectKeyId('acme', 'u4')]);
    expect(found.get(subjectKeyId('acme', 'u3'))?.wrappedKey).toEqual(first?.wrappedKey);
    expect(found.get(subjectKeyId('acme', 'u4'))?.wrappedKey).not.toEqual(first?.wrappedKey);
    expect(found.get(subjectKeyId('acme', 'u3'))?.masterKeyId).toBe(master.id);
  });

  it('opens a page of many subjects with one lookup, [erased] for the one whose key was shredded', async () => {
    const events = await Promise.all(
      ['a', 'b', 'c'].map(async (s) => stored((await personal.seal('acme', s, [anEvent('acme', s, 'data-transferred', { reference: `ref-${s}` })]))[0]!)),
    );
    expect(await personal.shred('acme', 'b')).toBe(true);
    expect(await personal.shred('acme', 'b')).toBe(false);
    counter.lookups = 0;
    const opened = await personal.openEvents(events);
    expect(counter.lookups).toBe(1);
    expect(opened.map((e) => e.data['reference'])).toEqual(['ref-a', ERASED, 'ref-c']);
  });

  it('renders a tampered value as [unreadable] with a warning, and reads the rest', async () => {
    const [event] = await personal.seal('acme', 'u5', [
      anEvent('acme', 'u5', 'consent-given', { purposes: ['crm-access'], evidence: { ipAddress: '192.0.2.1', contact: 'x@example.com' } }),
    ]);
    const evidence = event!.data['evidence'] as Record<string, string>;
    const bytes = Buffer.from(evidence['contact']!.slice(SEALED_PREFIX.length), 'base64url');
    bytes[20] = (bytes[20] ?? 0) ^ 0xff;
    const tampered = stored({ ...event!, data: { ...event!.data, evidence: { ...evidence, contact: `${SEALED_PREFIX}${bytes.toString('base64url')}` } } });

    const [opened] = await personal.openEvents([tampered]);

    expect(opened?.data['evidence']).toEqual({ ipAddress: '192.0.2.1', contact: UNREADABLE });
    expect(warnings).toEqual([expect.stringContaining(`evidence.contact of event ${event!.id} failed authentication`)]);
    expect(warnings.join()).not.toContain('x@example.com');
  });

  it('renders a sealed value moved to another event as [unreadable] (the AAD binds it to its place)', async () => {
    const [a] = await personal.seal('acme', 'u6', [anEvent('acme', 'u6', 'data-transferred', { reference: 'mine' })]);
    const moved = stored({ ...a!, id: randomUUID() });
    const [opened] = await personal.openEvents([moved]);
    expect(opened?.data['reference']).toBe(UNREADABLE);
  });

  it('passes plaintext written before encryption through unchanged', async () => {
    const legacy = stored(anEvent('acme', 'u7', 'consent-withdrawn', { purposes: [], reason: 'written in 2025' }));
    expect((await personal.openEvents([legacy]))[0]?.data['reason']).toBe('written in 2025');
  });

  it('gives the sealed values of a stored event by path, for the audit export', async () => {
    const [event] = await personal.seal('acme', 'u8', [
      anEvent('acme', 'u8', 'consent-given', { purposes: [], evidence: { contact: 'c@example.com' } }),
    ]);
    const sealed = sealedValuesOf(stored(event!));
    expect(Object.keys(sealed ?? {})).toEqual(['evidence.contact']);
    expect(sealed?.['evidence.contact']).toBe((event!.data['evidence'] as Record<string, string>)['contact']);
    expect(sealedValuesOf(stored(anEvent('acme', 'u8', 'consent-withdrawn', { reason: 'legacy' })))).toBeUndefined();
  });

  describe('the master-key check at start', () => {
    it('passes on an empty store and on keys wrapped by this master key', async () => {
      await expect(personal.checkMasterKey()).resolves.toBeUndefined();
      await personal.seal('acme', 'u9', [anEvent('acme', 'u9', 'data-transferred', { reference: 'r' })]);
      await expect(personal.checkMasterKey()).resolves.toBeUndefined();
    });

    it('refuses another master key with an error naming LEDGER_MASTER_KEY, instead of reading everything as erased', async () => {
      await personal.seal('acme', 'u10', [anEvent('acme', 'u10', 'data-transferred', { reference: 'r' })]);
      const wrong = new PersonalData(keys, masterKeyFrom(randomBytes(32), 'wrong'), clock);
      await expect(wrong.checkMasterKey()).rejects.toBeInstanceOf(ConfigError);
      await expect(wrong.checkMasterKey()).rejects.toThrow(/^LEDGER_MASTER_KEY: the subject-key store holds data keys wrapped by another master key/);
    });
  });

  describe('over a long read with an unwrap memo (the audit stream)', () => {
    it('unwraps each key once, still looks keys up per batch, and opens a key destroyed meanwhile as erased', async () => {
      const consent = (subjectId: string, contact: string) =>
        anEvent('acme', subjectId, 'consent-given', { purposes: ['crm-access'], policyVersion: 'v1', channel: 'web', evidence: { contact } });
      const [a1] = await personal.seal('acme', 'a', [consent('a', 'a@example.com')]);
      const [b1] = await personal.seal('acme', 'b', [consent('b', 'b@example.com')]);
      const [a2] = await personal.seal('acme', 'a', [consent('a', 'a2@example.com')]);
      const [b2] = await personal.seal('acme', 'b', [consent('b', 'b2@example.com')]);
      const memo = new UnwrapMemo();
      let unwraps = 0;
      const unwrap = (personal as unknown as { unwrap: (record: unknown) => Buffer }).unwrap.bind(personal);
      (personal as unknown as { unwrap: (record: unknown) => Buffer }).unwrap = (record) => {
        unwraps++;
        return unwrap(record);
      };
      counter.lookups = 0;
      const first = await personal.openEvents([stored(a1!, 1), stored(b1!, 2)], memo);
      expect(first.map((event) => (event.data['evidence'] as { contact: string }).contact)).toEqual(['a@example.com', 'b@example.com']);
      expect(unwraps).toBe(2);

      await personal.shred('acme', 'b');
      const second = await personal.openEvents([stored(a2!, 3), stored(b2!, 4)], memo);
      expect(second.map((event) => (event.data['evidence'] as { contact: string }).contact)).toEqual(['a2@example.com', ERASED]);
      expect(unwraps).toBe(2);
      expect(counter.lookups).toBe(2);
    });

    it('looks up no key for a batch without sealed values', async () => {
      counter.lookups = 0;
      const transfer = anEvent('acme', 'a', 'data-transferred', { transferId: 't', purpose: 'crm-access' });
      const opened = await personal.openEvents([stored(transfer, 1)], new UnwrapMemo());
      expect(opened[0]!.data).toEqual(transfer.data);
      expect(counter.lookups).toBe(0);
    });

    it('forgets the oldest keys beyond its capacity', () => {
      const memo = new UnwrapMemo(2);
      memo.remember('a', Buffer.alloc(32, 1));
      memo.remember('b', Buffer.alloc(32, 2));
      memo.remember('c', null);
      expect(memo.get('a')).toBeUndefined();
      expect(memo.get('b')).toEqual(Buffer.alloc(32, 2));
      expect(memo.get('c')).toBeNull();
    });
  });
});
