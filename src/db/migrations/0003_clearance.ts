// The clearance pipeline's tables. Documents are stored as filed (the business entity as JSON);
// parcels tie the three documents of one order together and carry the match decision; inventory
// lists, receipts and the event history hang off them. The outbox holds work for the next stage,
// written in the same transaction as the change that causes it, so a crash never loses a step.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('ceb_documents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('enterprise_id', 'text', (c) => c.notNull())
    .addColumn('message_type', 'text', (c) => c.notNull())
    // The business key customs identifies the document by (e.g. CEB311Message|ebpCode|orderNo).
    .addColumn('doc_key', 'text', (c) => c.notNull())
    // What links it to its parcel before the order arrives (the order's key or its orderNo).
    .addColumn('link_key', 'text')
    .addColumn('head_guid', 'text', (c) => c.notNull())
    .addColumn('app_type', 'text', (c) => c.notNull())
    .addColumn('app_time', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ceb_documents_doc_key_key').on('ceb_documents').column('doc_key').unique().execute();
  await db.schema.createIndex('ceb_documents_link_idx').on('ceb_documents').columns(['link_key']).execute();
  // Only declarations waiting for customs are looked up by state (to resend the unanswered): a
  // partial index, so the many other state changes do not move index entries.
  await db.schema.createIndex('ceb_documents_sent_idx').on('ceb_documents').column('updated_at').where(sql.ref('state'), '=', 'sent').execute();

  await db.schema.createTable('intake_guids')
    .addColumn('guid', 'text', (c) => c.primaryKey())
    .addColumn('enterprise_id', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('answer', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.createTable('parcels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('enterprise_id', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('order_key', 'text', (c) => c.notNull())
    .addColumn('order_no', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('payment_id', 'text')
    .addColumn('waybill_id', 'text')
    .addColumn('inventory_id', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('mismatches', 'text', (c) => c.notNull())
    .addColumn('buyer_key', 'text')
    .addColumn('year', 'integer')
    .addColumn('value_fen', 'bigint')
    .addColumn('decided_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('parcels_order_key_key').on('parcels').column('order_key').unique().execute();
  await db.schema.createIndex('parcels_order_no_idx').on('parcels').column('order_no').execute();
  // A document's parcel is found from any of its three documents.
  await db.schema.createIndex('parcels_order_id_idx').on('parcels').column('order_id').execute();
  await db.schema.createIndex('parcels_payment_id_idx').on('parcels').column('payment_id').execute();
  await db.schema.createIndex('parcels_waybill_id_idx').on('parcels').column('waybill_id').execute();
  await db.schema.createIndex('parcels_state_idx').on('parcels').columns(['state', 'updated_at']).execute();

  await db.schema.createTable('inventories')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('enterprise_id', 'text', (c) => c.notNull())
    .addColumn('parcel_id', 'text', (c) => c.notNull())
    .addColumn('message_type', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('cop_no', 'text', (c) => c.notNull())
    .addColumn('pre_no', 'text')
    .addColumn('invt_no', 'text')
    // The waybill the list names (511|… or 505|…): an export waybill finds its list by it.
    .addColumn('waybill_key', 'text')
    .addColumn('head_guid', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('inventories_cop_no_key').on('inventories').column('cop_no').unique().execute();
  await db.schema.createIndex('inventories_parcel_id_key').on('inventories').column('parcel_id').unique().execute();
  await db.schema.createIndex('inventories_waybill_key_idx').on('inventories').column('waybill_key').execute();
  await db.schema.createIndex('inventories_sent_idx').on('inventories').column('updated_at').where(sql.ref('state'), '=', 'sent').execute();

  await db.schema.createTable('receipts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text')
    .addColumn('message_type', 'text', (c) => c.notNull())
    .addColumn('subject_key', 'text', (c) => c.notNull())
    .addColumn('return_status', 'text', (c) => c.notNull())
    .addColumn('return_time', 'text', (c) => c.notNull())
    .addColumn('return_info', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('receipts_subject_idx').on('receipts').columns(['subject_id', 'return_time']).execute();

  await db.schema.createTable('clearance_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('cause', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('clearance_events_subject_idx').on('clearance_events').columns(['subject_id', 'n']).execute();

  await db.schema.createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('run_at', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('last_error', 'text')
    // Which dispatcher holds the job (with run_at moved to the end of its lease), so two
    // processes never send the same job at once.
    .addColumn('claim', 'text')
    .execute();
  await db.schema.createIndex('outbox_stage_idx').on('outbox').columns(['stage', 'run_at']).execute();

  // The buyer's running annual total (sha-256 of the ID number, never the number itself).
  await db.schema.createTable('buyer_quotas')
    .addColumn('buyer_key', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('used_fen', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('buyer_quotas_pkey', ['buyer_key', 'year'])
    .execute();

  // Buyers whose identity a platform has verified (18号 art 5): then the payer may differ from the
  // buyer. Keyed by the sha-256 of the ID, per platform.
  await db.schema.createTable('buyer_verifications')
    .addColumn('ebp_code', 'text', (c) => c.notNull())
    .addColumn('buyer_key', 'text', (c) => c.notNull())
    .addColumn('enterprise_id', 'text', (c) => c.notNull())
    .addColumn('verified_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('buyer_verifications_pkey', ['ebp_code', 'buyer_key'])
    .execute();

  // 商品备案: what the inventory list needs that the order does not carry (HS code, legal units).
  await db.schema.createTable('item_records')
    .addColumn('ebc_code', 'text', (c) => c.notNull())
    .addColumn('item_no', 'text', (c) => c.notNull())
    .addColumn('enterprise_id', 'text', (c) => c.notNull())
    .addColumn('gcode', 'text', (c) => c.notNull())
    .addColumn('gname', 'text', (c) => c.notNull())
    .addColumn('unit1', 'text', (c) => c.notNull())
    .addColumn('qty1_per_unit', 'text', (c) => c.notNull())
    .addColumn('unit2', 'text')
    .addColumn('qty2_per_unit', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('item_records_pkey', ['ebc_code', 'item_no'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['buyer_verifications', 'item_records', 'buyer_quotas', 'outbox', 'clearance_events', 'receipts', 'inventories', 'parcels', 'intake_guids', 'ceb_documents']) {
    await db.schema.dropTable(t).execute();
  }
}
