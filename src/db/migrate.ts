import { Migrator, type Kysely, type Migration } from 'kysely';
import * as m0001 from './migrations/0001_foundation.js';
import * as m0003 from './migrations/0003_clearance.js';
import * as m0002 from './migrations/0002_webhooks.js';
import * as m0004 from './migrations/0004_signing.js';
import * as m0005 from './migrations/0005_signed_lists.js';
import * as m0006 from './migrations/0006_product_records.js';
import * as m0007 from './migrations/0007_buyer_index.js';
import * as m0008 from './migrations/0008_tax_bills.js';
import * as m0009 from './migrations/0009_export_registrations.js';
import * as m0010 from './migrations/0010_signed_documents.js';
import * as m0011 from './migrations/0011_summary.js';
import * as m0012 from './migrations/0012_bonded_stock.js';
import * as m0013 from './migrations/0013_aftercare.js';
import * as m0014 from './migrations/0014_b2b_declarations.js';
import * as m0015 from './migrations/0015_prerefunds.js';
import * as m0016 from './migrations/0016_security_alerts.js';
import * as m0017 from './migrations/0017_risk.js';
import * as m0018 from './migrations/0018_credit.js';
import * as m0019 from './migrations/0019_stats.js';

// Migrations are listed here rather than read from a folder so the compiled build and the test
// runner see exactly the same set.
const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0003_clearance': m0003,
  '0002_webhooks': m0002,
  '0004_signing': m0004,
  '0005_signed_lists': m0005,
  '0006_product_records': m0006,
  '0007_buyer_index': m0007,
  '0008_tax_bills': m0008,
  '0009_export_registrations': m0009,
  '0010_signed_documents': m0010,
  '0011_summary': m0011,
  '0012_bonded_stock': m0012,
  '0013_aftercare': m0013,
  '0014_b2b_declarations': m0014,
  '0015_prerefunds': m0015,
  '0016_security_alerts': m0016,
  '0017_risk': m0017,
  '0018_credit': m0018,
  '0019_stats': m0019,
};

/**
 * `schema` (PostgreSQL) names where the migration bookkeeping lives. Kysely looks for its tables
 * in every schema unless told one, so stores migrating side by side in other schemas of the same
 * database (parallel test files) would each take the other's tables for their own.
 */
export async function migrateToLatest(db: Kysely<unknown>, schema?: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
