// Bonded stock ledger for 1210/1239 网购保税进口 (src/bonded): accounts (账册 per warehouse operator),
// inbound notices entered by CEB711, balances per account × e-commerce enterprise × item,
// reservations of lists, the movement journal and stock-taking counts. Quantities are bigint
// units of 10⁻⁵ (CEB N19,5).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('bonded_accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('area_code', 'text', (c) => c.notNull())
    .addColumn('area_name', 'text', (c) => c.notNull())
    .addColumn('ems_no', 'text', (c) => c.notNull())
    .addColumn('operator_enterprise_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addUniqueConstraint('bonded_accounts_ems_no_key', ['area_code', 'ems_no'])
    .execute();

  await db.schema
    .createTable('bonded_notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('bonded_accounts.id'))
    .addColumn('ebc_code', 'text', (c) => c.notNull())
    .addColumn('logistics_code', 'text', (c) => c.notNull())
    .addColumn('logistics_no', 'text', (c) => c.notNull())
    .addColumn('lines', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('delivery_guid', 'text')
    .addColumn('entered_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  // A waybill number repeats after six months (ceb-messages CEB711 logisticsNo): unique among pending notices only.
  await db.schema.createIndex('bonded_notices_waybill_key').on('bonded_notices').columns(['logistics_code', 'logistics_no']).unique().where(sql<boolean>`state = 'pending'`).execute();
  await db.schema.createIndex('bonded_notices_waybill_idx').on('bonded_notices').columns(['logistics_code', 'logistics_no']).execute();
  await db.schema.createIndex('bonded_notices_account_idx').on('bonded_notices').columns(['account_id', 'created_at']).execute();
  await db.schema.createIndex('bonded_notices_ebc_idx').on('bonded_notices').columns(['ebc_code', 'created_at']).execute();

  await db.schema
    .createTable('bonded_stock')
    .addColumn('account_id', 'text', (c) => c.notNull().references('bonded_accounts.id'))
    .addColumn('ebc_code', 'text', (c) => c.notNull())
    .addColumn('item_no', 'text', (c) => c.notNull())
    .addColumn('gcode', 'text', (c) => c.notNull())
    .addColumn('gname', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('on_hand', 'bigint', (c) => c.notNull())
    .addColumn('reserved', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('bonded_stock_pkey', ['account_id', 'ebc_code', 'item_no'])
    // The last line of defence for "never negative": no code path may leave a balance below zero
    // or reserve more than is on hand.
    .addCheckConstraint('bonded_stock_balance_check', sql`on_hand >= 0 and reserved >= 0 and reserved <= on_hand`)
    .execute();
  await db.schema.createIndex('bonded_stock_ebc_idx').on('bonded_stock').columns(['ebc_code', 'item_no']).execute();

  await db.schema
    .createTable('bonded_reservations')
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('item_no', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('ebc_code', 'text', (c) => c.notNull())
    .addColumn('qty', 'bigint', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('cause', 'text')
    .addColumn('reserved_at', 'text', (c) => c.notNull())
    .addColumn('settled_at', 'text')
    .addPrimaryKeyConstraint('bonded_reservations_pkey', ['ref', 'item_no'])
    .addCheckConstraint('bonded_reservations_qty_check', sql`qty > 0`)
    .execute();

  await db.schema
    .createTable('bonded_movements')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('ebc_code', 'text', (c) => c.notNull())
    .addColumn('item_no', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('qty', 'bigint', (c) => c.notNull())
    .addColumn('reserved_delta', 'bigint', (c) => c.notNull())
    .addColumn('on_hand_after', 'bigint', (c) => c.notNull())
    .addColumn('reserved_after', 'bigint', (c) => c.notNull())
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('notice_id', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .execute();
  await db.schema.createIndex('bonded_movements_item_idx').on('bonded_movements').columns(['account_id', 'ebc_code', 'item_no', 'at']).execute();
  await db.schema.createIndex('bonded_movements_ebc_idx').on('bonded_movements').columns(['ebc_code', 'at']).execute();
  await db.schema.createIndex('bonded_movements_ref_idx').on('bonded_movements').column('ref').execute();

  await db.schema
    .createTable('bonded_counts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull().references('bonded_accounts.id'))
    .addColumn('ebc_code', 'text', (c) => c.notNull())
    .addColumn('item_no', 'text', (c) => c.notNull())
    .addColumn('counted_qty', 'bigint', (c) => c.notNull())
    .addColumn('book_qty', 'bigint', (c) => c.notNull())
    .addColumn('counted_at', 'text', (c) => c.notNull())
    .addColumn('uploaded_at', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('bonded_counts_account_idx').on('bonded_counts').columns(['account_id', 'counted_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['bonded_counts', 'bonded_movements', 'bonded_reservations', 'bonded_stock', 'bonded_notices', 'bonded_accounts']) {
    await db.schema.dropTable(t).execute();
  }
}
