// Statistics and monitoring (issue 7): rollups kept current as lists are released, monthly
// self-reports with their history, plan targets and report reminders.
import { sql, SqliteAdapter, type Kysely } from 'kysely';

const CELL = ['basis', 'grain', 'dim', 'period', 'direction', 'mode', 'key'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  // Every dashboard query is a range of periods of one (basis, grain, dim), or of one enterprise's:
  // the primary key's prefix. On SQLite the rollups are clustered on it (WITHOUT ROWID), so such a
  // range is read in order from one b-tree, values included; PostgreSQL reads the key's index.
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  const values = 'lists bigint not null, value_fen bigint not null, unpriced bigint not null';
  const cell = CELL.map((c) => `"${c}" text not null`).join(', ');
  for (const [table, key] of [['stats_rollups', CELL], ['stats_enterprise_rollups', ['enterprise_id', ...CELL]]] as const) {
    const columns = table === 'stats_enterprise_rollups' ? `"enterprise_id" text not null, ${cell}` : cell;
    await sql.raw(`create table ${table} (${columns}, ${values}, constraint ${table}_pkey primary key (${key.map((c) => `"${c}"`).join(', ')}))${sqlite ? ' without rowid' : ''}`).execute(db);
  }

  await db.schema.createTable('stats_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('enterprise_id', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('current', 'integer', (c) => c.notNull())
    .addColumn('export_fen', 'bigint', (c) => c.notNull())
    .addColumn('import_fen', 'bigint', (c) => c.notNull())
    .addColumn('b2b_export_fen', 'bigint', (c) => c.notNull())
    .addColumn('market_procurement_fen', 'bigint', (c) => c.notNull())
    .addColumn('overseas_warehouses', 'integer', (c) => c.notNull())
    .addColumn('overseas_warehouse_area_m2', 'bigint', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('county', 'text', (c) => c.notNull())
    .addColumn('park', 'text', (c) => c.notNull())
    .addColumn('cluster', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('filed_at', 'text', (c) => c.notNull())
    .addColumn('filed_by', 'text', (c) => c.notNull())
    .execute();
  // One row per version; two filers racing for the same version cannot both win.
  await db.schema.createIndex('stats_reports_version_key').on('stats_reports').columns(['enterprise_id', 'month', 'version']).unique().execute();
  await db.schema.createIndex('stats_reports_month_idx').on('stats_reports').columns(['month', 'current', 'enterprise_id']).execute();

  await db.schema.createTable('stats_targets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('zone', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('measure', 'text', (c) => c.notNull())
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('label_zh', 'text', (c) => c.notNull())
    .addColumn('label_en', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema.createTable('stats_reminders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('enterprise_id', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('reminded_at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('stats_reminders_month_idx').on('stats_reminders').columns(['month', 'enterprise_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['stats_reminders', 'stats_targets', 'stats_reports', 'stats_enterprise_rollups', 'stats_rollups']) await db.schema.dropTable(t).execute();
}
