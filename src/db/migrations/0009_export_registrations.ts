// Export registration for 无票免税 (财税〔2018〕103号) and 核定征收 (税务总局公告2019年第36号): the six
// items per export list line, registered on the platform and never changed afterwards.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('export_registrations')
    .addColumn('invt_no', 'text', (c) => c.notNull())
    .addColumn('gnum', 'integer', (c) => c.notNull())
    .addColumn('enterprise_id', 'text', (c) => c.notNull())
    .addColumn('ebc_code', 'text', (c) => c.notNull())
    .addColumn('inventory_id', 'text', (c) => c.notNull())
    .addColumn('trade_mode', 'text', (c) => c.notNull())
    .addColumn('customs_code', 'text', (c) => c.notNull())
    .addColumn('export_date', 'text', (c) => c.notNull())
    .addColumn('goods_name', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('qty', 'text', (c) => c.notNull())
    .addColumn('unit_price', 'text', (c) => c.notNull())
    .addColumn('amount', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('registered_at', 'text', (c) => c.notNull())
    .addColumn('registered_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('export_registrations_pkey', ['invt_no', 'gnum'])
    .execute();
  await db.schema.createIndex('export_registrations_ebc_idx').on('export_registrations').columns(['ebc_code', 'export_date']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('export_registrations').execute();
}
