/**
 * The subject-key store port: where each data subject's WRAPPED data key lives, apart from
 * the event store (so that destroying a key is possible while the log stays immutable).
 * It knows nothing of cryptography: it keeps bytes. Adapters (embedded SQLite, MongoDB)
 * pass one contract suite (test/contract/subject-key-store.contract.ts).
 */

export interface SubjectKeyRecord {
  readonly tenantId: string;
  readonly subjectId: string;
  /** The data key wrapped by the master key (never the key itself). */
  readonly wrappedKey: Buffer;
  /** Fingerprint of the master key that wrapped it (src/privacy/master-key.ts). */
  readonly masterKeyId: string;
  readonly createdAt: string;
}

export interface SubjectKeyStore {
  /**
   * Stores the record unless the subject already has one, and returns the record now stored
   * (the caller's or the earlier one). Atomic: concurrent creators all end with one key.
   */
  insertIfAbsent(record: SubjectKeyRecord): Promise<SubjectKeyRecord>;

  /** The records of these ids (`subjectKeyId`), in one lookup; ids without a record are absent. */
  findMany(ids: readonly string[]): Promise<Map<string, SubjectKeyRecord>>;

  /**
   * Destroys the record so that no copy stays in the store's files (the adapter's job);
   * true when there was one. Deleting an absent record is a no-op.
   */
  delete(id: string): Promise<boolean>;

  /**
   * Notes, durably and before the shredding event is appended, that this key is about to be
   * destroyed, so that a crash between the append and the deletion is caught at the next
   * start (`markedForShredding`). A no-op when there is no record.
   */
  markForShredding(id: string, at: string): Promise<void>;

  /** The records marked for shredding and not yet deleted. */
  markedForShredding(): Promise<SubjectKeyRecord[]>;

  /** The master-key fingerprint of any one stored record, or null when the store is empty. */
  anyFingerprint(): Promise<string | null>;

  close(): Promise<void>;
}

export const SUBJECT_KEY_STORE = Symbol('SubjectKeyStore');

/** A subject's key id: both parts URI-encoded and joined by '/', which encoding never leaves in place. */
export const subjectKeyId = (tenantId: string, subjectId: string): string =>
  `${encodeURIComponent(tenantId)}/${encodeURIComponent(subjectId)}`;
