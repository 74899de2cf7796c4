import { StoreUnavailableError } from '../../platform/store-errors.js';
import { isSqliteUnavailable, type SqliteDatabase } from '../../platform/sqlite/sqlite-file.js';
import type { ConfirmationTokenRecord, ConfirmationTokenStore, IssuedConfirmationToken } from '../confirmation-token-store.port.js';

interface Row {
  token_sha256: string;
  tenant_id: string;
  subject_id: string;
  deletion_id: string;
  system: string;
  issued_at: string;
  expires_at: string;
  consumed_at: string | null;
  consumed_with: string | null;
}

/**
 * The embedded confirmation-token store (confirmation-tokens.sqlite). Few writes (one per
 * task issued, one per confirmation), each its own commit. Using a token is one guarded
 * UPDATE, so two confirmations racing with the same token cannot both use it.
 */
export class SqliteConfirmationTokenStore implements ConfirmationTokenStore {
  private readonly statements;

  constructor(private readonly db: SqliteDatabase) {
    db.exec(`CREATE TABLE IF NOT EXISTS confirmation_tokens (
      token_sha256  TEXT PRIMARY KEY,
      tenant_id     TEXT NOT NULL,
      subject_id    TEXT NOT NULL,
      deletion_id   TEXT NOT NULL,
      system        TEXT NOT NULL,
      issued_at     TEXT NOT NULL,
      expires_at    TEXT NOT NULL,
      consumed_at   TEXT,
      consumed_with TEXT
    )`);
    this.statements = {
      insert: db.prepare(
        `INSERT INTO confirmation_tokens (token_sha256, tenant_id, subject_id, deletion_id, system, issued_at, expires_at)
         VALUES (@tokenSha256, @tenantId, @subjectId, @deletionId, @system, @issuedAt, @expiresAt)`,
      ),
      find: db.prepare<[string], Row>('SELECT * FROM confirmation_tokens WHERE token_sha256 = ?'),
      consume: db.prepare<[string | null, string | null, string, string]>(
        `UPDATE confirmation_tokens SET consumed_at = ?, consumed_with = ?
         WHERE token_sha256 = ? AND consumed_at IS NULL AND expires_at > ?`,
      ),
    };
  }

  async save(token: IssuedConfirmationToken): Promise<void> {
    const { tokenSha256, tenantId, subjectId, deletionId, system, issuedAt, expiresAt } = token;
    guard(() => this.statements.insert.run({ tokenSha256, tenantId, subjectId, deletionId, system, issuedAt, expiresAt }));
  }

  async find(tokenSha256: string): Promise<ConfirmationTokenRecord | null> {
    const row = guard(() => this.statements.find.get(tokenSha256));
    if (!row) return null;
    return {
      tokenSha256: row.token_sha256,
      tenantId: row.tenant_id,
      subjectId: row.subject_id,
      deletionId: row.deletion_id,
      system: row.system,
      issuedAt: row.issued_at,
      expiresAt: row.expires_at,
      consumedAt: row.consumed_at,
      consumedWith: row.consumed_with,
    };
  }

  async consume(tokenSha256: string, at: string, consumedWith: string | null): Promise<boolean> {
    return guard(() => this.statements.consume.run(at, consumedWith, tokenSha256, at).changes === 1);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

const guard = <T>(work: () => T): T => {
  try {
    return work();
  } catch (error) {
    if (isSqliteUnavailable(error)) throw new StoreUnavailableError('the confirmation-token store is unavailable', { cause: error });
    throw error;
  }
};
