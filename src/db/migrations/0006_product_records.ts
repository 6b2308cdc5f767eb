// Product records (商品备案) carry what the tax engine needs beyond the list: the transaction unit,
// origin, barcode, model, and the content of one piece (consumption-tax price thresholds).
import type { Kysely } from 'kysely';

const COLUMNS = ['gmodel', 'unit', 'country', 'bar_code', 'content_amount', 'content_unit'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const c of COLUMNS) await db.schema.alterTable('item_records').addColumn(c, 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const c of COLUMNS) await db.schema.alterTable('item_records').dropColumn(c).execute();
}
