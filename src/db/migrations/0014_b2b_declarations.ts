// 9710/9810 shipments declared by customs declaration (报关单) instead of a list: the declaration's
// number and its header and lines as filed, matched against the orders or booking notes it attaches
// (随附单据 10000004), with the result field by field.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('b2b_declarations')
    .addColumn('entry_id', 'text', (c) => c.primaryKey())
    .addColumn('enterprise_id', 'text', (c) => c.notNull())
    .addColumn('trade_mode', 'text', (c) => c.notNull())
    .addColumn('ebc_code', 'text', (c) => c.notNull())
    // JSON [orderKey …]: the CEB303 orders / booking notes attached, in order.
    .addColumn('orders', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('mismatches', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('b2b_declarations_ebc_idx').on('b2b_declarations').columns(['ebc_code', 'updated_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('b2b_declarations').execute();
}
