// Consolidated declaration (清单核放、汇总申报 / 汇总统计, cbec-rules §1.4): the closed export list
// lines, their pre-aggregates, the summaries built from them and customs' answers (CEB702/792).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('summary_lines')
    .addColumn('invt_no', 'text', (c) => c.notNull())
    .addColumn('gnum', 'integer', (c) => c.notNull())
    .addColumn('ebc_code', 'text', (c) => c.notNull())
    .addColumn('close_month', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text', (c) => c.notNull())
    .addColumn('logistics_no', 'text', (c) => c.notNull())
    .addColumn('statistics_flag', 'text', (c) => c.notNull())
    .addColumn('trade_mode', 'text', (c) => c.notNull())
    .addColumn('customs_code', 'text', (c) => c.notNull())
    .addColumn('loct_no', 'text')
    .addColumn('owner_code', 'text', (c) => c.notNull())
    .addColumn('traf_mode', 'text', (c) => c.notNull())
    .addColumn('head_country', 'text', (c) => c.notNull())
    .addColumn('port_code', 'text', (c) => c.notNull())
    .addColumn('line_country', 'text', (c) => c.notNull())
    .addColumn('gcode', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('gname', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('qty', 'bigint', (c) => c.notNull())
    .addColumn('unit1', 'text', (c) => c.notNull())
    .addColumn('qty1', 'bigint', (c) => c.notNull())
    .addColumn('unit2', 'text')
    .addColumn('qty2', 'bigint')
    .addColumn('total_price', 'bigint', (c) => c.notNull())
    .addColumn('gross_weight', 'bigint', (c) => c.notNull())
    .addColumn('net_weight', 'bigint', (c) => c.notNull())
    .addColumn('batch', 'integer', (c) => c.notNull())
    .addColumn('list_head', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('summary_lines_pkey', ['invt_no', 'gnum'])
    .execute();
  // The lists of a summary's header group, in the order the CEB701 lists them, read from the index
  // alone: one entry per B list (its first line, list_head 1), header keys first, the batch only
  // filtered on.
  await db.schema.createIndex('summary_lines_lists_idx').on('summary_lines')
    .columns(['ebc_code', 'close_month', 'customs_code', 'loct_no', 'traf_mode', 'head_country', 'port_code', 'owner_code', 'invt_no', 'batch'])
    .where(sql<boolean>`list_head = 1 and statistics_flag = 'B'`)
    .execute();

  await db.schema.createTable('summary_periods')
    .addColumn('ebc_code', 'text', (c) => c.notNull())
    .addColumn('close_month', 'text', (c) => c.notNull())
    .addColumn('customs_code', 'text', (c) => c.notNull())
    .addColumn('batch', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('summary_periods_pkey', ['ebc_code', 'close_month', 'customs_code'])
    .execute();

  const period = ['ebc_code', 'close_month', 'customs_code', 'batch', 'loct_no', 'owner_code', 'traf_mode', 'head_country', 'port_code'] as const;
  let heads = db.schema.createTable('summary_head_totals');
  for (const c of period) heads = heads.addColumn(c, c === 'batch' ? 'integer' : 'text', (b) => b.notNull());
  await heads
    .addColumn('lists', 'bigint', (c) => c.notNull())
    .addColumn('lines', 'bigint', (c) => c.notNull())
    .addColumn('gross_weight', 'bigint', (c) => c.notNull())
    .addColumn('net_weight', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('summary_head_totals_pkey', [...period] as never)
    .execute();

  const lineKey = [...period, 'line_country', 'gcode', 'currency', 'gname', 'unit', 'unit1', 'unit2'] as const;
  let lines = db.schema.createTable('summary_line_totals');
  for (const c of lineKey) lines = lines.addColumn(c, c === 'batch' ? 'integer' : 'text', (b) => b.notNull());
  await lines
    .addColumn('lines', 'bigint', (c) => c.notNull())
    .addColumn('qty', 'bigint', (c) => c.notNull())
    .addColumn('qty1', 'bigint', (c) => c.notNull())
    .addColumn('qty2', 'bigint', (c) => c.notNull())
    .addColumn('total_price', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('summary_line_totals_pkey', [...lineKey] as never)
    .execute();

  await db.schema.createTable('summaries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ebc_code', 'text', (c) => c.notNull())
    .addColumn('ebc_name', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('customs_code', 'text', (c) => c.notNull())
    .addColumn('summary_flag', 'text', (c) => c.notNull())
    .addColumn('item_name_flag', 'integer', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('cop_no', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('agent_code', 'text', (c) => c.notNull())
    .addColumn('agent_name', 'text', (c) => c.notNull())
    .addColumn('decl_agent_code', 'text', (c) => c.notNull())
    .addColumn('decl_agent_name', 'text', (c) => c.notNull())
    .addColumn('batches', 'text', (c) => c.notNull())
    .addColumn('groups', 'integer', (c) => c.notNull())
    .addColumn('items', 'integer', (c) => c.notNull())
    .addColumn('lists', 'bigint', (c) => c.notNull())
    .addColumn('lines', 'bigint', (c) => c.notNull())
    .addColumn('messages', 'text', (c) => c.notNull())
    .addColumn('due_date', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('summaries_cop_no_key').on('summaries').column('cop_no').unique().execute();
  await db.schema.createIndex('summaries_period_idx').on('summaries').columns(['ebc_code', 'month', 'customs_code']).execute();
  await db.schema.createIndex('summaries_created_idx').on('summaries').columns(['created_at']).execute();

  await db.schema.createTable('summary_groups')
    .addColumn('summary_id', 'text', (c) => c.notNull())
    .addColumn('group_no', 'integer', (c) => c.notNull())
    .addColumn('cop_no', 'text', (c) => c.notNull())
    .addColumn('loct_no', 'text', (c) => c.notNull())
    .addColumn('owner_code', 'text', (c) => c.notNull())
    .addColumn('traf_mode', 'text', (c) => c.notNull())
    .addColumn('head_country', 'text', (c) => c.notNull())
    .addColumn('port_code', 'text', (c) => c.notNull())
    .addColumn('lists', 'bigint', (c) => c.notNull())
    .addColumn('lines', 'bigint', (c) => c.notNull())
    .addColumn('items', 'integer', (c) => c.notNull())
    .addColumn('parts', 'integer', (c) => c.notNull())
    .addColumn('gross_weight', 'text', (c) => c.notNull())
    .addColumn('net_weight', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('pre_no', 'text')
    .addColumn('sum_no', 'text')
    .addColumn('decl_seq_no', 'text')
    .addColumn('entry_id', 'text')
    .addColumn('dec_state', 'text')
    .addColumn('return_status', 'text')
    .addColumn('return_info', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('summary_groups_pkey', ['summary_id', 'group_no'])
    .execute();
  await db.schema.createIndex('summary_groups_cop_no_key').on('summary_groups').column('cop_no').unique().execute();
  await db.schema.createIndex('summary_groups_sum_no_idx').on('summary_groups').column('sum_no').execute();

  await db.schema.createTable('summary_items')
    .addColumn('summary_id', 'text', (c) => c.notNull())
    .addColumn('group_no', 'integer', (c) => c.notNull())
    .addColumn('gseqno', 'integer', (c) => c.notNull())
    .addColumn('line_country', 'text', (c) => c.notNull())
    .addColumn('gcode', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('gname', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('qty', 'text', (c) => c.notNull())
    .addColumn('unit1', 'text', (c) => c.notNull())
    .addColumn('qty1', 'text', (c) => c.notNull())
    .addColumn('unit2', 'text')
    .addColumn('qty2', 'text')
    .addColumn('total_price', 'text', (c) => c.notNull())
    .addColumn('lines', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('summary_items_pkey', ['summary_id', 'group_no', 'gseqno'])
    .execute();

  await db.schema.createTable('summary_results')
    .addColumn('invt_no', 'text', (c) => c.notNull())
    .addColumn('gnum', 'integer', (c) => c.notNull())
    .addColumn('sum_no', 'text', (c) => c.notNull())
    .addColumn('decl_seq_no', 'text', (c) => c.notNull())
    .addColumn('entry_id', 'text')
    .addColumn('gseqno', 'integer', (c) => c.notNull())
    .addColumn('gcode', 'text', (c) => c.notNull())
    .addColumn('logistics_no', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('summary_results_pkey', ['invt_no', 'gnum'])
    .execute();
  await db.schema.createIndex('summary_results_decl_idx').on('summary_results').columns(['decl_seq_no', 'gseqno']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['summary_results', 'summary_items', 'summary_groups', 'summaries', 'summary_line_totals', 'summary_head_totals', 'summary_periods', 'summary_lines']) {
    await db.schema.dropTable(t).execute();
  }
}
