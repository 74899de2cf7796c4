import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from '../../platform/sqlite/sqlite-file.js';
import { isSqliteUnavailable } from '../../platform/sqlite/sqlite-file.js';
import { StoreUnavailableError } from '../../platform/store-errors.js';
import { checkedName } from '../field-names.js';
import { LeaseLostError } from '../read-store.port.js';
import type {
  BulkLoad,
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
 * The embedded read store: one table per collection holding each document as JSON, plus a
 * column `f_<field>` for each field the read model is indexed by (written with the document,
 * so neither a write nor an index build parses the JSON back), indexed. Leases live in a
 * `leases` table; a fenced checkpoint write checks the token and writes in one transaction.
 */
export class SqliteReadStore implements ReadStore {
  /**
   * Prepared statements by SQL text. Compiling a statement cost about as much as running it on
   * the projection runner's hot path (an upsert and a checkpoint per batch and projection);
   * the texts are a small fixed set (one per collection and query shape), bounded anyway.
   */
  private readonly statements = new Map<string, Statement>();
  /** By table: the fields with a column of their own (see `columnsOf`). */
  private readonly tableColumns = new Map<string, readonly string[]>();

  constructor(private readonly db: SqliteDatabase) {
    db.exec('CREATE TABLE IF NOT EXISTS checkpoints (projection TEXT PRIMARY KEY, position INTEGER NOT NULL)');
    db.exec('CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, owner TEXT, token INTEGER NOT NULL, expires_at INTEGER NOT NULL)');
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
    this.guard(() =>
      this.db.transaction(() => {
        for (const spec of collections) {
          const table = tableOf(spec.name);
          this.createTable(table, spec);
          // Indexes over json_extract expressions, from before the fields had columns.
          const legacy = this.db
            .prepare<[string], { name: string }>(
              "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql LIKE '%json_extract(%'",
            )
            .all(table);
          for (const { name } of legacy) this.db.exec(`DROP INDEX ${quoted(name)}`);
          const columns = this.columnsOf(table);
          for (const fields of spec.indexes) {
            const name = `${table}__${fields.map((f) => checkedName(f, 'field')).join('__')}`;
            this.db.exec(`CREATE INDEX IF NOT EXISTS ${name} ON ${table} (${fields.map((f) => column(f, columns)).join(', ')})`);
          }
        }
      })(),
    );
  }

  /**
   * Creates the table with a column for each indexed field, or adds the columns it lacks
   * (filled from the stored JSON once, then kept up to date by every write).
   */
  private createTable(table: string, spec: CollectionSpec): void {
    const wanted = [...new Set(spec.indexes.flat().filter((f) => f !== '_id' && f !== '_position'))].map((f) => checkedName(f, 'field'));
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, position INTEGER NOT NULL, doc TEXT NOT NULL${wanted.map((f) => `, ${FIELD_COLUMN}${f}`).join('')})`,
    );
    this.tableColumns.delete(table);
    const present = this.columnsOf(table);
    for (const field of wanted) {
      if (present.includes(field)) continue;
      this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${FIELD_COLUMN}${field}`);
      this.db.exec(`UPDATE ${table} SET ${FIELD_COLUMN}${field} = json_extract(doc, '$.${field}')`);
    }
    this.tableColumns.delete(table);
  }

  /**
   * The fields that have a column of their own in this table (read from the table, so a store
   * that did not prepare the collection itself still uses them); none while the table is missing.
   */
  private columnsOf(table: string): readonly string[] {
    let fields = this.tableColumns.get(table);
    if (fields === undefined) {
      const columns = this.db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`).all();
      fields = columns.filter((c) => c.name.startsWith(FIELD_COLUMN)).map((c) => c.name.slice(FIELD_COLUMN.length));
      if (columns.length > 0) this.tableColumns.set(table, fields);
    }
    return fields;
  }

  /** The statement that writes a row (`verb` INSERT, REPLACE, or an upsert's INSERT with `tail`) and its parameters. */
  private writer(table: string, verb: string, tail = ''): (document: ReadDocument) => void {
    const fields = this.columnsOf(table);
    const statement = this.statement<Param[]>(
      `${verb} INTO ${table} (id, position, doc${fields.map((f) => `, ${FIELD_COLUMN}${f}`).join('')}) VALUES (?, ?, ?${', ?'.repeat(fields.length)})${tail}`,
    );
    return (document) => {
      statement.run(document._id, document._position, JSON.stringify(document), ...fields.map((f) => columnValue(document[f])));
    };
  }

  async get<T extends ReadDocument>(collection: string, id: string): Promise<T | null> {
    const row = this.guard(() => this.statement<[string], { doc: string }>(`SELECT doc FROM ${tableOf(collection)} WHERE id = ?`).get(id));
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
    const table = tableOf(collection);
    this.guard(() => {
      const fields = this.columnsOf(table);
      const upsert = this.writer(
        table,
        'INSERT',
        ` ON CONFLICT (id) DO UPDATE SET position = excluded.position, doc = excluded.doc${fields.map((f) => `, ${FIELD_COLUMN}${f} = excluded.${FIELD_COLUMN}${f}`).join('')}
       WHERE ${table}.position < excluded.position`,
      );
      this.db.transaction(() => {
        for (const document of documents) upsert(document);
      })();
    });
  }

  async find<T extends ReadDocument>(collection: string, options: FindOptions = {}): Promise<T[]> {
    const params: Param[] = [];
    const columns = this.guard(() => this.columnsOf(tableOf(collection)));
    const clauses = whereClauses(options.where ?? {}, params, columns);
    const order = [...(options.orderBy ?? []).map((f) => column(f, columns)), 'id'];
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
    const clauses = whereClauses(
      where,
      params,
      this.guard(() => this.columnsOf(tableOf(collection))),
    );
    const sql = `SELECT COUNT(*) AS n FROM ${tableOf(collection)}${clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : ''}`;
    return this.guard(() => this.statement<Param[], { n: number }>(sql).get(...params)?.n ?? 0);
  }

  async clear(collection: string): Promise<void> {
    this.guard(() => this.statement(`DELETE FROM ${tableOf(collection)}`).run());
  }

  async startBulkLoad(collections: readonly CollectionSpec[]): Promise<BulkLoad> {
    this.guard(() =>
      this.db.transaction(() => {
        for (const spec of collections) {
          const table = tableOf(spec.name);
          this.createTable(table, spec);
          this.db.exec(`DELETE FROM ${table}`);
          // Every index but the primary key's (whose row in sqlite_master has no SQL).
          const indexes = this.db
            .prepare<[string], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL")
            .all(table);
          for (const { name } of indexes) this.db.exec(`DROP INDEX ${quoted(name)}`);
        }
      })(),
    );
    return {
      write: async (collection, inserted, replaced) => {
        const table = tableOf(collection);
        this.guard(() => {
          const insert = this.writer(table, 'INSERT');
          const replace = this.writer(table, 'REPLACE');
          this.db.transaction(() => {
            for (const document of inserted) insert(document);
            for (const document of replaced) replace(document);
          })();
        });
      },
      finish: () => this.prepare(collections),
    };
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
      this.statement(
        `INSERT INTO checkpoints (projection, position) VALUES (?, ?)
           ON CONFLICT (projection) DO UPDATE SET position = excluded.position`,
      ).run(projection, position),
    );
  }

  async acquireLease(name: string, owner: string, ttlMs: number, now: number = Date.now()): Promise<Lease | null> {
    const expiresAt = now + ttlMs;
    const acquire = this.db.transaction((): Lease | null => {
      const stored = this.statement<[string], LeaseRow>('SELECT name, owner, token, expires_at FROM leases WHERE name = ?').get(name);
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

/** Prefix of the column that holds an indexed field's value. */
const FIELD_COLUMN = 'f_';

const quoted = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** The SQL for a field: its own column when the table has one, else an expression over the JSON. */
const column = (field: string, columns: readonly string[]): string => {
  if (field === '_id') return 'id';
  if (field === '_position') return 'position';
  const name = checkedName(field, 'field');
  return columns.includes(name) ? `${FIELD_COLUMN}${name}` : `json_extract(doc, '$.${name}')`;
};

/** What json_extract(doc, '$.f') gives for this value, so a column and the expression agree. */
const columnValue = (value: unknown): Param => {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' || typeof value === 'number') return value;
  return JSON.stringify(value);
};

/** JSON booleans come out of json_extract as 1/0. */
const toParam = (value: Scalar): Param => (typeof value === 'boolean' ? (value ? 1 : 0) : value);

const isCondition = (value: Scalar | Condition): value is Condition => value !== null && typeof value === 'object';

const whereClauses = (where: Where, params: Param[], columns: readonly string[]): string[] =>
  Object.entries(where).flatMap(([field, raw]) => {
    const target = column(field, columns);
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
