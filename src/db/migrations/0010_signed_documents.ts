// A document the filer signed (alone in its message, e.g. on its own card) keeps the message as
// received, so a resend goes with that signature rather than waiting for a platform-held key.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('ceb_documents').addColumn('signed_xml', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('ceb_documents').dropColumn('signed_xml').execute();
}
