import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from '../../platform/sqlite/sqlite-file.js';
import { isSqliteUnavailable } from '../../platform/sqlite/sqlite-file.js';
import { StoreUnavailableError } from '../../platform/store-errors.js';
import { checkedName } from '../field-names.js';
import { LeaseLostError } from '../read-store.port.js';
import type {
  CollectionSpec,
  Condition,
  FindOptions,
  Lease,
  ReadDocument,
  ReadStore,
  Scalar,
  StoredLease,
  Where,
} from '../read-store.port.js';

type Param = string | number | null;

interface LeaseRow {
  name: string;
  owner: string | null;
  token: number;
  expires_at: number;
}

const MAX_CACHED_STATEMENTS = 1000;

/**
 * The embedded read store: one table per collection holding each document as JSON, with
 * expression indexes on the fields each read model is queried by (SQLite uses an index on
 * `json_extract(doc, '$.f')` when the query has the same expression). Leases live in a
 * `leases` table; a fenced checkpoint write checks the token and writes in one transaction.
 */
export class SqliteReadStore implements ReadStore {
  /**
   * Prepared statements by SQL text. Compiling a statement cost about as much as running it on
   * the projection runner's hot path (an upsert and a checkpoint per batch and projection);
   * the texts are a small fixed set (one per collection and query shape), bounded anyway.
   */
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: SqliteDatabase) {
    db.exec('CREATE TABLE IF NOT EXISTS checkpoints (projection TEXT PRIMARY KEY, position INTEGER NOT NULL)');
    db.exec(
      'CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, owner TEXT, token INTEGER NOT NULL, expires_at INTEGER NOT NULL)',
    );
  }

  private statement<P extends unknown[] = unknown[], R = unknown>(sql: string): Statement<P, R> {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      if (this.statements.size >= MAX_CACHED_STATEMENTS) this.statements.clear();
      this.statements.set(sql, statement);
    }
    return statement as unknown as Statement<P, R>;
  }

  async prepare(collections: readonly CollectionSpec[]): Promise<void> {
    this.guard(() => {
      for (const spec of collections) {
        const table = tableOf(spec.name);
        this.db.exec(`CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, position INTEGER NOT NULL, doc TEXT NOT NULL)`);
        for (const fields of spec.indexes) {
          const name = `${table}__${fields.map((f) => checkedName(f, 'field')).join('__')}`;
          this.db.exec(`CREATE INDEX IF NOT EXISTS ${name} ON ${table} (${fields.map(column).join(', ')})`);
        }
      }
    });
  }

  async get<T extends ReadDocument>(collection: string, id: string): Promise<T | null> {
    const row = this.guard(() =>
      this.statement<[string], { doc: string }>(`SELECT doc FROM ${tableOf(collection)} WHERE id = ?`).get(id),
    );
    return row ? (JSON.parse(row.doc) as T) : null;
  }

  async getMany<T extends ReadDocument>(collection: string, ids: readonly string[]): Promise<Map<string, T>> {
    const found = new Map<string, T>();
    if (ids.length === 0) return found;
    const statement = this.statement<[string], { doc: string }>(`SELECT doc FROM ${tableOf(collection)} WHERE id = ?`);
    this.guard(() => {
      for (const id of new Set(ids)) {
        const row = statement.get(id);
        if (row) found.set(id, JSON.parse(row.doc) as T);
      }
    });
    return found;
  }

  async putMany(collection: string, documents: readonly ReadDocument[]): Promise<void> {
    if (documents.length === 0) return;
    const upsert = this.statement(
      `INSERT INTO ${tableOf(collection)} (id, position, doc) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET position = excluded.position, doc = excluded.doc
       WHERE ${tableOf(collection)}.position < excluded.position`,
    );
    this.guard(() =>
      this.db.transaction(() => {
        for (const document of documents) upsert.run(document._id, document._position, JSON.stringify(document));
      })(),
    );
  }

  async find<T extends ReadDocument>(collection: string, options: FindOptions = {}): Promise<T[]> {
    const params: Param[] = [];
    const clauses = whereClauses(options.where ?? {}, params);
    const order = [...(options.orderBy ?? []).map(column), 'id'];
    const direction = options.direction === 'desc' ? 'DESC' : 'ASC';
    if (options.after !== undefined) {
      if (options.after.length !== order.length) throw new Error('cursor does not match the sort order');
      clauses.push(`(${order.join(', ')}) ${direction === 'ASC' ? '>' : '<'} (${order.map(() => '?').join(', ')})`);
      params.push(...options.after.map(toParam));
    }
    let sql = `SELECT doc FROM ${tableOf(collection)}`;
    if (clauses.length > 0) sql += ` WHERE ${clauses.join(' AND ')}`;
    sql += ` ORDER BY ${order.map((c) => `${c} ${direction}`).join(', ')}`;
    sql += ' LIMIT ? OFFSET ?';
    params.push(options.limit ?? -1, options.offset ?? 0);
    const rows = this.guard(() => this.statement<Param[], { doc: string }>(sql).all(...params));
    return rows.map((row) => JSON.parse(row.doc) as T);
  }

  async count(collection: string, where: Where = {}): Promise<number> {
    const params: Param[] = [];
    const clauses = whereClauses(where, params);
    const sql = `SELECT COUNT(*) AS n FROM ${tableOf(collection)}${clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : ''}`;
    return this.guard(() => this.statement<Param[], { n: number }>(sql).get(...params)?.n ?? 0);
  }

  async clear(collection: string): Promise<void> {
    this.guard(() => this.statement(`DELETE FROM ${tableOf(collection)}`).run());
  }

  async getCheckpoint(projection: string): Promise<number> {
    const row = this.guard(() =>
      this.statement<[string], { position: number }>('SELECT position FROM checkpoints WHERE projection = ?').get(projection),
    );
    return row?.position ?? 0;
  }

  async saveCheckpoint(projection: string, position: number, fence?: number): Promise<void> {
    const save = this.statement(
      `INSERT INTO checkpoints (projection, position) VALUES (?, ?)
       ON CONFLICT (projection) DO UPDATE SET position = excluded.position
       WHERE checkpoints.position < excluded.position`,
    );
    if (fence === undefined) {
      this.guard(() => save.run(projection, position));
      return;
    }
    // The token check and the write in one IMMEDIATE transaction: it holds the file's write
    // lock, so no other process can take the lease over in between.
    const tokenOf = this.statement<[string], { token: number }>('SELECT token FROM leases WHERE name = ?');
    const fenced = this.db.transaction(() => {
      if (tokenOf.get(projection)?.token !== fence) return false;
      save.run(projection, position);
      return true;
    });
    if (!this.guard(() => fenced.immediate())) throw new LeaseLostError(projection, fence);
  }

  async resetCheckpoint(projection: string, position: number): Promise<void> {
    this.guard(() =>
      this
        .statement(
          `INSERT INTO checkpoints (projection, position) VALUES (?, ?)
           ON CONFLICT (projection) DO UPDATE SET position = excluded.position`,
        )
        .run(projection, position),
    );
  }

  async acquireLease(name: string, owner: string, ttlMs: number, now: number = Date.now()): Promise<Lease | null> {
    const expiresAt = now + ttlMs;
    const acquire = this.db.transaction((): Lease | null => {
      const stored = this
        .statement<[string], LeaseRow>('SELECT name, owner, token, expires_at FROM leases WHERE name = ?')
        .get(name);
      if (stored === undefined) {
        this.statement('INSERT INTO leases (name, owner, token, expires_at) VALUES (?, ?, 1, ?)').run(name, owner, expiresAt);
        return { name, owner, token: 1, expiresAt };
      }
      if (stored.owner === owner) {
        this.statement('UPDATE leases SET expires_at = ? WHERE name = ?').run(expiresAt, name);
        return { name, owner, token: stored.token, expiresAt };
      }
      if (stored.owner !== null && stored.expires_at > now) return null;
      const token = stored.token + 1;
      this.statement('UPDATE leases SET owner = ?, token = ?, expires_at = ? WHERE name = ?').run(owner, token, expiresAt, name);
      return { name, owner, token, expiresAt };
    });
    return this.guard(() => acquire.immediate());
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    this.guard(() => this.statement('UPDATE leases SET owner = NULL, expires_at = 0 WHERE name = ? AND owner = ?').run(name, owner));
  }

  async getLease(name: string): Promise<StoredLease | null> {
    const row = this.guard(() =>
      this.statement<[string], LeaseRow>('SELECT name, owner, token, expires_at FROM leases WHERE name = ?').get(name),
    );
    return row ? { name: row.name, owner: row.owner, token: row.token, expiresAt: row.expires_at } : null;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (isSqliteUnavailable(error)) throw new StoreUnavailableError('the embedded read store is unavailable', { cause: error });
      throw error;
    }
  }
}

const tableOf = (collection: string): string => `rm_${checkedName(collection, 'collection')}`;

const column = (field: string): string => {
  if (field === '_id') return 'id';
  if (field === '_position') return 'position';
  return `json_extract(doc, '$.${checkedName(field, 'field')}')`;
};

/** JSON booleans come out of json_extract as 1/0. */
const toParam = (value: Scalar): Param => (typeof value === 'boolean' ? (value ? 1 : 0) : value);

const isCondition = (value: Scalar | Condition): value is Condition => value !== null && typeof value === 'object';

const whereClauses = (where: Where, params: Param[]): string[] =>
  Object.entries(where).flatMap(([field, raw]) => {
    const target = column(field);
    const condition: Condition = isCondition(raw) ? raw : { eq: raw };
    if ('eq' in condition) {
      if (condition.eq === null) return [`${target} IS NULL`];
      params.push(toParam(condition.eq));
      return [`${target} = ?`];
    }
    if ('in' in condition) {
      if (condition.in.length === 0) return ['0'];
      params.push(...condition.in.map(toParam));
      return [`${target} IN (${condition.in.map(() => '?').join(', ')})`];
    }
    if ('nin' in condition) {
      // SQL's NOT IN is never true for NULL; the port's `nin` lets a null (or missing)
      // field through unless null is listed, as MongoDB's $nin does.
      const values = condition.nin.filter((value) => value !== null);
      const nullListed = values.length < condition.nin.length;
      params.push(...values.map(toParam));
      const notIn = values.length === 0 ? null : `${target} NOT IN (${values.map(() => '?').join(', ')})`;
      if (nullListed) return [notIn === null ? `${target} IS NOT NULL` : `(${target} IS NOT NULL AND ${notIn})`];
      return notIn === null ? [] : [`(${target} IS NULL OR ${notIn})`];
    }
    if ('contains' in condition) {
      params.push(toParam(condition.contains));
      return [`EXISTS (SELECT 1 FROM json_each(doc, '$.${checkedName(field, 'field')}') WHERE json_each.value = ?)`];
    }
    const parts: string[] = [];
    const ops = [
      ['gt', '>'],
      ['gte', '>='],
      ['lt', '<'],
      ['lte', '<='],
    ] as const;
    for (const [key, op] of ops) {
      const value = condition[key];
      if (value !== undefined) {
        params.push(toParam(value));
        parts.push(`${target} ${op} ?`);
      }
    }
    return parts;
  });
