// The bulk-write path for high-volume intake. The query builder costs too much per row here, so
// this talks to the drivers directly: prepared statements inside one transaction on SQLite,
// COPY … FROM STDIN on PostgreSQL. All batches of one call commit together or not at all.
import type BetterSqlite3 from 'better-sqlite3';
import type { Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export type BulkValue = string | number | bigint | null;

export interface BulkBatch {
  readonly table: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly BulkValue[])[];
}

export interface BulkWriter {
  /** Writes every batch in one transaction; returns the number of rows written. */
  write(batches: readonly BulkBatch[]): Promise<number>;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;
function checkIdents(b: BulkBatch): void {
  for (const name of [b.table, ...b.columns]) {
    if (!IDENT.test(name)) throw new Error(`bulk write: bad identifier "${name}"`);
  }
}

export class SqliteBulkWriter implements BulkWriter {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  /** `lock` runs the work while holding the connection Kysely also uses, so the two never interleave. */
  constructor(
    private readonly raw: BetterSqlite3.Database,
    private readonly lock: <T>(work: () => T) => Promise<T>,
  ) {}

  private statement(b: BulkBatch): BetterSqlite3.Statement {
    const key = `${b.table}(${b.columns.join(',')})`;
    let st = this.statements.get(key);
    if (!st) {
      checkIdents(b);
      st = this.raw.prepare(
        `INSERT INTO ${b.table} (${b.columns.join(', ')}) VALUES (${b.columns.map(() => '?').join(', ')})`,
      );
      this.statements.set(key, st);
    }
    return st;
  }

  write(batches: readonly BulkBatch[]): Promise<number> {
    const prepared = batches.map((b) => [this.statement(b), b.rows] as const);
    return this.lock(() =>
      this.raw.transaction(() => {
        let n = 0;
        for (const [st, rows] of prepared) {
          for (const row of rows) st.run(row as unknown[]);
          n += rows.length;
        }
        return n;
      })(),
    );
  }
}

/** PostgreSQL COPY text format: tab-separated, \N for null, backslash escapes. */
export function copyTextLine(row: readonly BulkValue[]): string {
  return row.map((v) => {
    if (v === null) return '\\N';
    const s = String(v);
    return /[\\\t\n\r]/.test(s)
      ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
      : s;
  }).join('\t') + '\n';
}

export class PostgresBulkWriter implements BulkWriter {
  constructor(private readonly pool: Pool) {}

  async write(batches: readonly BulkBatch[]): Promise<number> {
    batches.forEach(checkIdents);
    const client = await this.pool.connect();
    let n = 0;
    try {
      await client.query('BEGIN');
      for (const b of batches) {
        if (b.rows.length === 0) continue;
        const stream = client.query(copyFrom(`COPY ${b.table} (${b.columns.join(', ')}) FROM STDIN`));
        await new Promise<void>((resolve, reject) => {
          stream.on('error', reject);
          stream.on('finish', resolve);
          let chunk = '';
          for (const row of b.rows) {
            chunk += copyTextLine(row);
            if (chunk.length > 65536) {
              stream.write(chunk);
              chunk = '';
            }
          }
          stream.end(chunk);
        });
        n += b.rows.length;
      }
      await client.query('COMMIT');
      return n;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}
