import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigError } from '../config/ledger-config.js';
import type { NewEvent, StoredEvent } from '../event-store/event-store.port.js';
import { CLOCK, type Clock } from '../platform/clock.js';
import { ERASED, UNREADABLE, fieldAad, isSealed, newDataKey, openValue, sealValue } from './field-cipher.js';
import { MASTER_KEY, unwrapDataKey, wrapDataKey, type MasterKey } from './master-key.js';
import { storedPersonalValues, withValueAt, type StoredPersonalValue } from './personal-fields.js';
import { SUBJECT_KEY_STORE, subjectKeyId, type SubjectKeyRecord, type SubjectKeyStore } from '../key-store/subject-key-store.port.js';

export interface SubjectRef {
  readonly tenantId: string;
  readonly subjectId: string;
}

/**
 * The data keys of some subjects, unwrapped once, for opening their personal values. A
 * subject without a key (destroyed by shredding) opens as "[erased]"; a value that fails
 * authentication (tampered bytes, a key that does not fit) as "[unreadable]", with a warning:
 * neither ever breaks a read. Values that are not sealed (events written before encryption)
 * pass through unchanged.
 */
export class KeyRing {
  constructor(
    /** By subject key id; null when the stored key could not be unwrapped. */
    private readonly keys: ReadonlyMap<string, Buffer | null>,
    private readonly warn: (message: string) => void,
  ) {}

  open(tenantId: string, subjectId: string, eventId: string, path: string, value: unknown): unknown {
    if (!isSealed(value)) return value;
    const key = this.keys.get(subjectKeyId(tenantId, subjectId));
    if (key === undefined) return ERASED;
    if (key === null) return UNREADABLE;
    try {
      return openValue(key, value, fieldAad(eventId, path));
    } catch {
      this.warn(`personal value ${path} of event ${eventId} failed authentication (tampered or foreign); shown as ${UNREADABLE}`);
      return UNREADABLE;
    }
  }

  /** `data` of one event with its stored personal values (`storedPersonalValues` of it) opened. */
  openData(
    tenantId: string,
    subjectId: string,
    eventId: string,
    data: Readonly<Record<string, unknown>>,
    values: readonly StoredPersonalValue[],
  ): Readonly<Record<string, unknown>> {
    let opened = data;
    for (const { path, value } of values) opened = withValueAt(opened, path, this.open(tenantId, subjectId, eventId, path, value));
    return opened;
  }

  /** Every stored personal value of one event, opened, by path. */
  openAll(tenantId: string, subjectId: string, eventId: string, values: readonly StoredPersonalValue[]): Map<string, unknown> {
    return new Map(values.map(({ path, value }) => [path, this.open(tenantId, subjectId, eventId, path, value)]));
  }
}

/**
 * Data keys already unwrapped during one long read (an audit stream of the whole log opens the
 * same subjects' keys batch after batch; unwrapping is an AES-GCM operation per key). Keyed by
 * the subject and the exact wrapped bytes, so it only saves the unwrap: every batch still looks
 * its keys up, and a destroyed key is not found. Bounded (oldest first out), and meant to live
 * no longer than the read that made it.
 */
export class UnwrapMemo {
  private readonly keys = new Map<string, Buffer | null>();

  constructor(private readonly capacity = 10_000) {}

  get(memoKey: string): Buffer | null | undefined {
    return this.keys.get(memoKey);
  }

  remember(memoKey: string, key: Buffer | null): void {
    this.keys.set(memoKey, key);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.keys().next();
      if (!oldest.done) this.keys.delete(oldest.value);
    }
  }
}

/**
 * Crypto-shredding (docs/privacy.md): personal values are sealed with a per-subject data
 * key before events are stored, opened when they are read, and unreadable for good once the
 * key is destroyed. Costs one key-store lookup per command and one per page or batch read.
 */
@Injectable()
export class PersonalData {
  private readonly logger = new Logger('PersonalData');

  constructor(
    @Inject(SUBJECT_KEY_STORE) private readonly keys: SubjectKeyStore,
    @Inject(MASTER_KEY) private readonly master: MasterKey,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Refuses to run with a master key other than the one that wrapped the stored keys: a
   * wrong LEDGER_MASTER_KEY must stop start-up, not silently show every subject as erased.
   */
  async checkMasterKey(): Promise<void> {
    const stored = await this.keys.anyFingerprint();
    if (stored !== null && stored !== this.master.id) {
      throw new ConfigError(
        'LEDGER_MASTER_KEY',
        `the subject-key store holds data keys wrapped by another master key (fingerprint ${stored}, ` +
          `this one is ${this.master.id}); start with the master key that wrapped them`,
      );
    }
  }

  /**
   * The events with every personal value sealed under the subject's data key, which is
   * created (once, even under races) only when some event holds a personal value.
   */
  async seal(tenantId: string, subjectId: string, events: readonly NewEvent[]): Promise<NewEvent[]> {
    if (!events.some((event) => storedPersonalValues(event.type, event.data).length > 0)) return [...events];
    const key = await this.dataKeyFor(tenantId, subjectId);
    return events.map((event) => {
      let data: Readonly<Record<string, unknown>> = event.data;
      for (const { path, value } of storedPersonalValues(event.type, event.data)) {
        data = withValueAt(data, path, sealValue(key, value, fieldAad(event.id, path)));
      }
      return data === event.data ? event : { ...event, data };
    });
  }

  /**
   * The keys of these subjects, in one key-store lookup. With `memo` (one long read, e.g. an
   * audit stream, see UnwrapMemo) a key whose stored wrapped bytes were already unwrapped by
   * this read is not unwrapped again; the lookup still runs, so a key destroyed meanwhile is gone.
   */
  async keyRing(subjects: Iterable<SubjectRef>, memo?: UnwrapMemo): Promise<KeyRing> {
    const wanted = new Map<string, SubjectRef>();
    for (const subject of subjects) wanted.set(subjectKeyId(subject.tenantId, subject.subjectId), subject);
    const records = await this.keys.findMany([...wanted.keys()]);
    const keys = new Map<string, Buffer | null>();
    for (const [id, record] of records) {
      const memoKey = memo === undefined ? '' : `${id}\n${record.masterKeyId}\n${record.wrappedKey.toString('base64')}`;
      const known = memo?.get(memoKey);
      if (known !== undefined) {
        keys.set(id, known);
        continue;
      }
      let key: Buffer | null;
      try {
        key = this.unwrap(record);
      } catch (error) {
        this.logger.warn(`the data key of ${id} cannot be unwrapped (${(error as Error).message}); its values are shown as ${UNREADABLE}`);
        key = null;
      }
      keys.set(id, key);
      memo?.remember(memoKey, key);
    }
    return new KeyRing(keys, (message) => this.logger.warn(message));
  }

  /** The event with its personal values opened (or "[erased]" / "[unreadable]"). */
  openEvent<E extends StoredEvent>(event: E, ring: KeyRing): E {
    const { tenantId, subjectId } = event.metadata;
    const data = ring.openData(tenantId, subjectId, event.id, event.data, storedPersonalValues(event.type, event.data));
    return data === event.data ? event : { ...event, data };
  }

  /**
   * Opens the events of any subjects with one key lookup for them all (only the subjects of
   * events that hold sealed values are looked up).
   */
  async openEvents<E extends StoredEvent>(events: readonly E[], memo?: UnwrapMemo): Promise<E[]> {
    const sealed = events.filter((event) => storedPersonalValues(event.type, event.data).some(({ value }) => isSealed(value)));
    if (sealed.length === 0) return [...events];
    const ring = await this.keyRing(
      sealed.map((event) => event.metadata),
      memo,
    );
    return events.map((event) => this.openEvent(event, ring));
  }

  /** Durably notes that the key is about to be destroyed (before the shredding event is appended). */
  async markForShredding(tenantId: string, subjectId: string): Promise<void> {
    await this.keys.markForShredding(subjectKeyId(tenantId, subjectId), this.clock.now().toISOString());
  }

  /** Destroys the subject's data key; true when there was one. Harmless to repeat. */
  async shred(tenantId: string, subjectId: string): Promise<boolean> {
    return this.keys.delete(subjectKeyId(tenantId, subjectId));
  }

  /**
   * Destroys the keys that were marked for shredding but survived (a crash between the append
   * of `subject-data-shredded` and the deletion), if the log shows the shredding event; a mark
   * whose append never happened is left for the next attempt. Returns how many were destroyed.
   */
  async sweepInterruptedShreds(wasShredded: (subject: SubjectRef) => Promise<boolean>): Promise<number> {
    let destroyed = 0;
    for (const record of await this.keys.markedForShredding()) {
      if (!(await wasShredded(record))) continue;
      if (await this.shred(record.tenantId, record.subjectId)) destroyed++;
    }
    return destroyed;
  }

  private async dataKeyFor(tenantId: string, subjectId: string): Promise<Buffer> {
    const id = subjectKeyId(tenantId, subjectId);
    const existing = (await this.keys.findMany([id])).get(id);
    const record =
      existing ??
      (await this.keys.insertIfAbsent({
        tenantId,
        subjectId,
        wrappedKey: wrapDataKey(this.master, newDataKey(), tenantId, subjectId),
        masterKeyId: this.master.id,
        createdAt: this.clock.now().toISOString(),
      }));
    // A key that cannot be unwrapped cannot be replaced either (older values need it): refuse to write.
    return this.unwrap(record);
  }

  private unwrap(record: SubjectKeyRecord): Buffer {
    if (record.masterKeyId !== this.master.id) throw new Error(`wrapped by another master key (${record.masterKeyId})`);
    return unwrapDataKey(this.master, record.wrappedKey, record.tenantId, record.subjectId);
  }
}

/**
 * The sealed values of an event as stored, by path, for the audit export: with them an
 * auditor puts the stored bytes back and recomputes the hash. Undefined when it has none.
 */
export const sealedValuesOf = (event: StoredEvent): Record<string, string> | undefined => {
  const sealed = storedPersonalValues(event.type, event.data).filter((entry) => isSealed(entry.value));
  return sealed.length === 0 ? undefined : Object.fromEntries(sealed.map(({ path, value }) => [path, value as string]));
};
