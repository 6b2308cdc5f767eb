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

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  readonly bulk: BulkWriter;
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

function openSqlite(file: string): { db: Kysely<Database>; bulk: BulkWriter; raw: BetterSqlite3.Database } {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const raw = new BetterSqlite3(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  // SQLite's lower() folds ASCII only; PostgreSQL's folds all of Unicode. Searches must answer the
  // same on both, so SQLite gets JavaScript's (Unicode) lower-casing under the same name.
  raw.function('lower', { deterministic: true }, (v: unknown) => (v === null || v === undefined ? null : String(v).toLowerCase()));
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  const lock = <T>(work: () => T): Promise<T> => db.connection().execute(async () => work());
  return { db, raw, bulk: new SqliteBulkWriter(raw, lock) };
}

export async function openStore(target: DatabaseTarget, options: OpenOptions = {}): Promise<Store> {
  let db: Kysely<Database>;
  let bulk: BulkWriter;
  let describe: string;
  if (target.kind === 'sqlite') {
    ({ db, bulk } = openSqlite(target.file));
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
  const applied = options.migrate === false ? [] : await migrateToLatest(db as Kysely<unknown>);
  return {
    db, bulk, describe, applied, ping,
    dialect: target.kind,
    close: () => db.destroy(),
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
