import { Migrator, type Kysely, type Migration } from 'kysely';
import * as m0001 from './migrations/0001_foundation.js';

// Migrations are listed here rather than read from a folder so the compiled build and the test
// runner see exactly the same set.
const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
};

export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
