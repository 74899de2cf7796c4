/**
 * Durable memory of answered commands, so that a retry with the same `Idempotency-Key`
 * gets the first answer again, even after a restart.
 */
export interface IdempotencyRecord {
  readonly tenantId: string;
  readonly key: string;
  /** HMAC-SHA256 (keyed from the master key) of the method, route and canonical body: a different request under the same key. */
  readonly fingerprint: string;
  readonly status: number;
  readonly body: unknown;
  readonly createdAt: string;
}

export interface IdempotencyStore {
  find(tenantId: string, key: string): Promise<IdempotencyRecord | null>;
  /** Keeps the first record for a key: a second save with the same key is ignored. */
  save(record: IdempotencyRecord): Promise<void>;
  close(): Promise<void>;
}

export const IDEMPOTENCY_STORE = Symbol('IdempotencyStore');
