// The risk engine's tables: tunable rule settings, results per document, the review queue, and the
// observations the window rules query (keys of recent orders, unit prices per HS code). Every
// window query runs on an index that starts with its key and ends with the time.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('risk_rules')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();

  await db.schema.createTable('risk_results')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('document_id', 'text', (c) => c.notNull())
    .addColumn('message_type', 'text', (c) => c.notNull())
    .addColumn('enterprise_id', 'text', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('hits', 'text', (c) => c.notNull())
    .addColumn('evaluated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('risk_results_document_idx').on('risk_results').columns(['document_id', 'evaluated_at']).execute();
  await db.schema.createIndex('risk_results_enterprise_idx').on('risk_results').columns(['enterprise_id', 'evaluated_at']).execute();
  // Passing documents are the many; only the others are listed by decision.
  await db.schema.createIndex('risk_results_decision_idx').on('risk_results').columns(['decision', 'evaluated_at']).where(sql.ref('decision'), '!=', 'pass').execute();

  await db.schema.createTable('risk_reviews')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('result_id', 'text', (c) => c.notNull())
    .addColumn('document_id', 'text', (c) => c.notNull())
    .addColumn('enterprise_id', 'text', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('assignee', 'text')
    .addColumn('reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('risk_reviews_result_id_key').on('risk_reviews').column('result_id').unique().execute();
  await db.schema.createIndex('risk_reviews_state_idx').on('risk_reviews').columns(['state', 'created_at']).execute();

  await db.schema.createTable('risk_observations')
    .addColumn('document_id', 'text', (c) => c.primaryKey())
    .addColumn('enterprise_id', 'text', (c) => c.notNull())
    .addColumn('ebc_code', 'text', (c) => c.notNull())
    .addColumn('buyer_key', 'text')
    .addColumn('consignee_key', 'text')
    .addColumn('address_key', 'text')
    .addColumn('phone_key', 'text')
    .addColumn('value_fen', 'bigint', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  for (const key of ['buyer_key', 'consignee_key', 'address_key', 'phone_key', 'ebc_code']) {
    await db.schema.createIndex(`risk_observations_${key}_idx`).on('risk_observations').columns([key, 'at']).execute();
  }

  await db.schema.createTable('risk_prices')
    .addColumn('document_id', 'text', (c) => c.notNull())
    .addColumn('gnum', 'integer', (c) => c.notNull())
    .addColumn('gcode', 'text', (c) => c.notNull())
    .addColumn('price_fen', 'bigint', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('risk_prices_pkey', ['document_id', 'gnum'])
    .execute();
  await db.schema.createIndex('risk_prices_gcode_idx').on('risk_prices').columns(['gcode', 'at']).execute();

  // Customs rejections (100 退单) counted per enterprise over a window: a partial index on the few.
  await db.schema.createIndex('receipts_rejected_idx').on('receipts').column('received_at').where(sql.ref('return_status'), '=', '100').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('receipts_rejected_idx').execute();
  for (const t of ['risk_prices', 'risk_observations', 'risk_reviews', 'risk_results', 'risk_rules']) await db.schema.dropTable(t).execute();
}
