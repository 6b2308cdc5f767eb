// Webhook subscriptions and their delivery queue (src/clearance/webhooks). The queue is the
// outbox: rows are written in the pipeline's own transaction and survive restarts.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Few rows per enterprise, so a foreign key costs nothing and refuses unknown enterprises.
    .addColumn('enterprise_id', 'text', (c) => c.notNull().references('enterprises.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhooks_enterprise_id_idx').on('webhooks').columns(['enterprise_id', 'created_at']).execute();

  // High volume: no foreign keys, enterprise_id as distribution key.
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('webhook_id', 'text', (c) => c.notNull())
    .addColumn('enterprise_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .execute();
  // An event is queued once per webhook, whoever enqueues it and however often.
  await db.schema.createIndex('webhook_deliveries_webhook_id_event_id_key').on('webhook_deliveries')
    .columns(['webhook_id', 'event_id']).unique().execute();
  // Due rows: partial, so delivered and failed rows (the bulk of the table) do not weigh on the poll.
  await db.schema.createIndex('webhook_deliveries_due_idx').on('webhook_deliveries')
    .columns(['next_attempt_at', 'id']).where(sql.ref('state'), '=', 'pending').execute();
  await db.schema.createIndex('webhook_deliveries_webhook_idx').on('webhook_deliveries')
    .columns(['webhook_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['webhook_deliveries', 'webhooks']) {
    await db.schema.dropTable(t).execute();
  }
}
