// Security monitoring and early warning (网络安全监测预警): alerts on API misuse — failed
// authentications, a token used from many addresses, traffic spikes, access outside an
// enterprise's scope — one open alert per kind and subject, counted while it lasts.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('security_alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    // What the alert is about: an address (ip:…), a token (token:…) or an enterprise (enterprise:…).
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('enterprise_id', 'text')
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    // JSON: the figures that raised it (threshold, observed, window, sample paths).
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('first_at', 'text', (c) => c.notNull())
    .addColumn('last_at', 'text', (c) => c.notNull())
    .addColumn('acked_by', 'text')
    .addColumn('acked_at', 'text')
    .addColumn('note', 'text')
    .execute();
  await db.schema.createIndex('security_alerts_open_idx').on('security_alerts').columns(['kind', 'subject', 'state']).execute();
  await db.schema.createIndex('security_alerts_last_idx').on('security_alerts').column('last_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('security_alerts').execute();
}
