// Registry and platform tables. Conventions for every later migration:
// - portable column types only (text, integer, bigint), so one migration set serves SQLite and
//   PostgreSQL; times are ISO-8601 UTC text, money is integer fen (bigint), JSON is text;
// - high-volume tables carry the declaring enterprise's id as their distribution key and have
//   no foreign keys across enterprises, so they can be sharded later (Citus distributes by it).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('enterprises')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('uscc', 'text', (c) => c.notNull())
    .addColumn('customs_code', 'text')
    .addColumn('dxp_id', 'text')
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text')
    .addColumn('county', 'text')
    .addColumn('park', 'text')
    .addColumn('cluster', 'text')
    .addColumn('credit_level', 'text', (c) => c.notNull())
    .addColumn('credit_level_given', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('address', 'text')
    .addColumn('contacts', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('enterprises_uscc_key').on('enterprises').column('uscc').unique().execute();
  await db.schema.createIndex('enterprises_customs_code_key').on('enterprises').column('customs_code').unique().execute();
  await db.schema.createIndex('enterprises_dxp_id_key').on('enterprises').column('dxp_id').unique().execute();
  await db.schema.createIndex('enterprises_county_idx').on('enterprises').column('county').execute();
  await db.schema.createIndex('enterprises_name_idx').on('enterprises').column('name_zh').execute();

  await db.schema
    .createTable('enterprise_roles')
    .addColumn('enterprise_id', 'text', (c) => c.notNull().references('enterprises.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('enterprise_roles_pkey', ['enterprise_id', 'role'])
    .execute();
  await db.schema.createIndex('enterprise_roles_role_idx').on('enterprise_roles').columns(['role', 'enterprise_id']).execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('enterprise_id', 'text', (c) => c.references('enterprises.id').onDelete('cascade'))
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('api_tokens_hash_key').on('api_tokens').column('token_hash').unique().execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_events_entity_idx').on('audit_events').columns(['entity', 'entity_id', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['audit_events', 'api_tokens', 'enterprise_roles', 'enterprises']) {
    await db.schema.dropTable(t).execute();
  }
}
