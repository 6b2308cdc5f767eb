// A list a declarant filed signed (one list per message, signed with its own key, e.g. a USB key)
// keeps the message as received, so it goes to customs with that signature intact.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('inventories').addColumn('signed_xml', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('inventories').dropColumn('signed_xml').execute();
}
