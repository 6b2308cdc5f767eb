// 9810 出口预退税 (HWC-YT) tracking: each line of a departed 9810 list, from export through the
// pre-refund claim and the sales that settle it, to the settlement deadline of 30 April of the
// following year (国家税务总局公告2025年第3号; cbec-rules.md §4.4).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('prerefunds')
    .addColumn('invt_no', 'text', (c) => c.notNull())
    .addColumn('gnum', 'integer', (c) => c.notNull())
    .addColumn('enterprise_id', 'text', (c) => c.notNull())
    .addColumn('ebc_code', 'text', (c) => c.notNull())
    .addColumn('export_date', 'text', (c) => c.notNull())
    .addColumn('goods_name', 'text', (c) => c.notNull())
    .addColumn('gcode', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('qty', 'text', (c) => c.notNull())
    .addColumn('amount', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    // Filled when the pre-refund is declared to the tax office (申报序号 / 关联号).
    .addColumn('claim_ref', 'text')
    .addColumn('claimed_at', 'text')
    // JSON [{qty, date, evidence, filedAt, late}]: the sales that settle the pre-refund.
    .addColumn('sales', 'text', (c) => c.notNull())
    .addColumn('sold_qty', 'text', (c) => c.notNull())
    .addColumn('settle_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('prerefunds_pkey', ['invt_no', 'gnum'])
    .execute();
  await db.schema.createIndex('prerefunds_ebc_idx').on('prerefunds').columns(['ebc_code', 'settle_by']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('prerefunds').execute();
}
