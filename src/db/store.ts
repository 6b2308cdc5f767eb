// Opens the one persistence layer on either adapter, migrates it, and hands out the bulk path.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { DatabaseTarget } from '../kernel/config.js';
import { AppError } from '../kernel/errors.js';
import type { Database } from './schema.js';
import { PostgresBulkWriter, SqliteBulkWriter, type BulkWriter } from './bulk.js';
import { migrateToLatest } from './migrate.js';

export type Dialect = 'sqlite' | 'postgres';

/** INSERT … ON CONFLICT (columns) DO UPDATE SET each of `update` to the new row's value. */
export interface Upsert {
  readonly conflict: readonly string[];
  readonly update: readonly string[];
}

const IDENT = /^[a-z_][a-z0-9_]*$/;
function upsertClause(u: Upsert | undefined): string {
  if (!u) return '';
  for (const name of [...u.conflict, ...u.update]) if (!IDENT.test(name)) throw new Error(`insertRows: bad identifier "${name}"`);
  return ` ON CONFLICT (${u.conflict.join(', ')}) DO UPDATE SET ${u.update.map((c) => `${c} = excluded.${c}`).join(', ')}`;
}

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  readonly bulk: BulkWriter;
  /**
   * Inserts rows inside the caller's transaction (`db` is that transaction). On SQLite the rows go
   * through cached prepared statements on the connection the transaction holds, since building a
   * query per batch costs more than the insert; elsewhere a multi-row INSERT per chunk.
   */
  insertRows(db: Kysely<Database>, table: string, rows: readonly Record<string, unknown>[], upsert?: Upsert): Promise<void>;
  /**
   * The embedded database's own handle, for the few bulk reads that Kysely's row objects make too
   * slow (the monthly consolidation); undefined on PostgreSQL.
   */
  readonly sqlite?: BetterSqlite3.Database;
  /** Where the data lives, safe to print (no password). */
  readonly describe: string;
  /** Names of the migrations this open applied. */
  readonly applied: readonly string[];
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL only: use (and create) this schema, so test runs do not collide. */
  readonly schema?: string;
  readonly migrate?: boolean;
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

function openSqlite(file: string): { db: Kysely<Database>; bulk: BulkWriter; raw: BetterSqlite3.Database; insertRows: Store['insertRows']; stop: () => void } {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const raw = new BetterSqlite3(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  // A 64 MB page cache (the default is 2 MB) keeps the clearance tables' hot index pages in memory
  // between the many small transactions of the intake.
  raw.pragma('cache_size = -65536');
  // SQLite's lower() folds ASCII only; PostgreSQL's folds all of Unicode. Searches must answer the
  // same on both, so SQLite gets JavaScript's (Unicode) lower-casing under the same name.
  raw.function('lower', { deterministic: true }, (v: unknown) => (v === null || v === undefined ? null : String(v).toLowerCase()));
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachedStatements(raw) }) });
  const lock = <T>(work: () => T): Promise<T> => db.connection().execute(async () => work());
  const inserts = new Map<string, BetterSqlite3.Statement>();
  const insertRows: Store['insertRows'] = async (_trx, table, rows, upsert) => {
    if (!rows.length) return;
    const columns = Object.keys(rows[0]!);
    const clause = upsertClause(upsert);
    const key = `${table}(${columns.join(',')})${clause}`;
    let st = inserts.get(key);
    if (!st) {
      for (const name of [table, ...columns]) if (!IDENT.test(name)) throw new Error(`insertRows: bad identifier "${name}"`);
      st = raw.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})${clause}`);
      inserts.set(key, st);
    }
    for (const row of rows) st.run(columns.map((c) => row[c] ?? null));
  };
  // Checkpoints move off the commit path: a commit that crossed the WAL threshold would copy the
  // log into the database and sync it before returning, on the intake's latency. Instead a timer
  // checkpoints between transactions (it takes the connection like any query).
  let checkpoint: NodeJS.Timeout | undefined;
  if (file !== ':memory:') {
    raw.pragma('wal_autocheckpoint = 0');
    let running = false;
    checkpoint = setInterval(() => {
      if (running) return;
      running = true;
      lock(() => raw.pragma('wal_checkpoint(PASSIVE)')).catch(() => undefined).finally(() => { running = false; });
    }, 500).unref();
  }
  const stop = () => { if (checkpoint) clearInterval(checkpoint); };
  return { db, raw, bulk: new SqliteBulkWriter(raw, lock), insertRows, stop };
}

/**
 * Kysely prepares every query afresh, and preparing costs more than running a small statement.
 * Statements are cached by their SQL (Kysely holds the one connection under a lock, so a cached
 * statement is never in use twice at once); the least recently used go first.
 */
function cachedStatements(raw: BetterSqlite3.Database, max = 500): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = (sql: string): BetterSqlite3.Statement => {
    let st = cache.get(sql);
    if (st) {
      cache.delete(sql);
    } else {
      st = raw.prepare(sql);
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, st);
    return st;
  };
  return new Proxy(raw, {
    get(target, prop) {
      if (prop === 'prepare') return prepare;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

export async function openStore(target: DatabaseTarget, options: OpenOptions = {}): Promise<Store> {
  let db: Kysely<Database>;
  let bulk: BulkWriter;
  let insertRows: Store['insertRows'];
  let stop = (): void => undefined;
  let describe: string;
  let sqliteRaw: BetterSqlite3.Database | undefined;
  if (target.kind === 'sqlite') {
    ({ db, bulk, insertRows, stop, raw: sqliteRaw } = openSqlite(target.file));
    describe = `sqlite:${target.file}`;
  } else {
    describe = redact(target.url);
    if (options.schema && !/^[a-z_][a-z0-9_]*$/.test(options.schema)) throw new Error(`bad schema name ${options.schema}`);
    const poolConfig: pg.PoolConfig = { connectionString: target.url, max: 10, connectionTimeoutMillis: 5000 };
    if (options.schema) {
      const setup = new pg.Client({ connectionString: target.url, connectionTimeoutMillis: 5000 });
      try {
        await setup.connect();
        await setup.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
      } catch (err) {
        throw new AppError('unavailable', 'DB_UNREACHABLE', { target: describe, detail: (err as Error).message });
      } finally {
        await setup.end().catch(() => undefined);
      }
      poolConfig.options = `-c search_path=${options.schema}`;
    }
    const pool = new pg.Pool(poolConfig);
    // Idle clients can fail when the server restarts; without a listener that would crash the process.
    pool.on('error', () => undefined);
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    bulk = new PostgresBulkWriter(pool);
    insertRows = async (trx, table, rows, upsert) => {
      if (!rows.length) return;
      // PostgreSQL binds at most 65,535 parameters per statement.
      const size = Math.max(1, Math.floor(60_000 / Object.keys(rows[0]!).length));
      for (let i = 0; i < rows.length; i += size) {
        let q = trx.insertInto(table as never).values(rows.slice(i, i + size) as never);
        if (upsert) {
          const set = Object.fromEntries(upsert.update.map((c) => [c, sql.ref(`excluded.${c}`)]));
          q = q.onConflict((oc) => oc.columns(upsert.conflict as never).doUpdateSet(set as never));
        }
        await q.execute();
      }
    };
  }
  const ping = async () => {
    await sql`select 1`.execute(db);
  };
  try {
    await ping();
  } catch (err) {
    await db.destroy().catch(() => undefined);
    throw new AppError('unavailable', 'DB_UNREACHABLE', { target: describe, detail: (err as Error).message });
  }
  const applied = options.migrate === false ? [] : await migrateToLatest(db as Kysely<unknown>, target.kind === 'postgres' ? options.schema : undefined);
  return {
    db, bulk, describe, applied, ping, insertRows,
    ...(sqliteRaw ? { sqlite: sqliteRaw } : {}),
    dialect: target.kind,
    async close() {
      stop();
      await db.destroy();
    },
  };
}

/**
 * The column a unique-constraint violation is about, from either driver's error; undefined when
 * the error is something else. Indexes are named `<table>_<column>_key` for this.
 */
export function uniqueViolation(err: unknown): string | undefined {
  const e = err as { code?: string; constraint?: string; message?: string };
  if (e?.code === '23505' && e.constraint) return e.constraint.replace(/^[a-z]+s_/, '').replace(/_key$/, '');
  if (typeof e?.code === 'string' && e.code.startsWith('SQLITE_CONSTRAINT') && e.message) {
    const m = /UNIQUE constraint failed: \w+\.(\w+)/.exec(e.message);
    if (m) return m[1];
  }
  return undefined;
}
