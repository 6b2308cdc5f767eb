// A buyer's parcels of a year (the year-to-date query of the personal annual quota); partial, so
// parcels not yet decided (no buyer) cost nothing.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('parcels_buyer_idx').on('parcels').columns(['buyer_key', 'year']).where(sql.ref('buyer_key'), 'is not', null).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('parcels_buyer_idx').execute();
}
