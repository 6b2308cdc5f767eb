// Enterprise credit (issue 8 §4): the scoring model as data (audited in audit_events), every
// computation kept (never overwritten) with a pointer to each enterprise's latest for the ranking,
// and the credit negative list (信用负面清单, 杭州市跨境电子商务促进条例 art 20; cbec-rules §6.3).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('credit_settings')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();

  await db.schema.createTable('credit_scores')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('enterprise_id', 'text', (c) => c.notNull())
    .addColumn('profile', 'text', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('grade', 'text', (c) => c.notNull())
    .addColumn('components', 'text', (c) => c.notNull())
    .addColumn('window_from', 'text', (c) => c.notNull())
    .addColumn('window_to', 'text', (c) => c.notNull())
    .addColumn('model_version', 'integer', (c) => c.notNull())
    .addColumn('computed_at', 'text', (c) => c.notNull())
    .addColumn('computed_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('credit_scores_enterprise_idx').on('credit_scores').columns(['enterprise_id', 'window_to']).execute();

  // One row per enterprise: its latest computation, what the ranking sorts.
  await db.schema.createTable('credit_latest')
    .addColumn('enterprise_id', 'text', (c) => c.primaryKey())
    .addColumn('score_id', 'text', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('grade', 'text', (c) => c.notNull())
    // The instant the computation is as of (its window's end), not when it ran.
    .addColumn('as_of', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('credit_latest_score_idx').on('credit_latest').columns(['score', 'enterprise_id']).execute();

  await db.schema.createTable('credit_negative_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('enterprise_id', 'text', (c) => c.notNull())
    .addColumn('reason_code', 'text', (c) => c.notNull())
    .addColumn('reason_text', 'text', (c) => c.notNull())
    .addColumn('filing_blocked', 'integer', (c) => c.notNull())
    .addColumn('mandatory_review', 'integer', (c) => c.notNull())
    .addColumn('start_day', 'text', (c) => c.notNull())
    .addColumn('repair_from', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('credit_negative_entries_enterprise_idx').on('credit_negative_entries').columns(['enterprise_id', 'state']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['credit_negative_entries', 'credit_latest', 'credit_scores', 'credit_settings']) await db.schema.dropTable(t).execute();
}
