// Customs' electronic tax bills (CEB816, status by CEB818), reconciled against the engine's tax.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tax_bills')
    .addColumn('tax_no', 'text', (c) => c.primaryKey())
    .addColumn('invt_no', 'text', (c) => c.notNull())
    .addColumn('inventory_id', 'text')
    .addColumn('assure_code', 'text')
    .addColumn('ebc_code', 'text')
    .addColumn('agent_code', 'text')
    .addColumn('customs_tax_fen', 'bigint', (c) => c.notNull())
    .addColumn('vat_fen', 'bigint', (c) => c.notNull())
    .addColumn('ct_fen', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('computed_fen', 'bigint')
    .addColumn('difference_fen', 'bigint')
    .addColumn('lines', 'text', (c) => c.notNull())
    .addColumn('return_time', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tax_bills_assure_idx').on('tax_bills').columns(['assure_code', 'received_at']).execute();
  await db.schema.createIndex('tax_bills_invt_idx').on('tax_bills').column('invt_no').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('tax_bills').execute();
}
