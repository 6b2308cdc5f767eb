// Cancellations and returns of declared lists (import CEB623/625, export CEB605/213): one row per
// application, with the clocks that govern it and what its approval gave back (the buyer's quota,
// the tax) — the figures the quota, the tax ledger and the statistics need later.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('list_returns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('document_id', 'text', (c) => c.notNull())
    .addColumn('message_type', 'text', (c) => c.notNull())
    // 'cancel' (撤销) or 'return' (退货).
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('inventory_id', 'text', (c) => c.notNull())
    .addColumn('invt_no', 'text', (c) => c.notNull())
    .addColumn('enterprise_id', 'text', (c) => c.notNull())
    // applied → approved | refused | withdrawn
    .addColumn('state', 'text', (c) => c.notNull())
    // JSON [{gnum, gcode, gname, qty, of, valueFen}]: what is returned of each list line.
    .addColumn('lines', 'text', (c) => c.notNull())
    .addColumn('whole', 'integer', (c) => c.notNull())
    .addColumn('value_fen', 'bigint', (c) => c.notNull())
    .addColumn('quota_fen', 'bigint')
    .addColumn('tax_fen', 'bigint')
    .addColumn('released_at', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'text', (c) => c.notNull())
    .addColumn('apply_by', 'text', (c) => c.notNull())
    .addColumn('goods_back_by', 'text')
    .addColumn('tax_free_until', 'text')
    .addColumn('tax_free', 'integer')
    .addColumn('decided_at', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('list_returns_document_key').on('list_returns').column('document_id').unique().execute();
  await db.schema.createIndex('list_returns_inventory_idx').on('list_returns').column('inventory_id').execute();
  await db.schema.createIndex('list_returns_applied_idx').on('list_returns').columns(['applied_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('list_returns').execute();
}
