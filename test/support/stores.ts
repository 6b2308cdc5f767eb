// Which databases the storage suite runs on. SQLite always; PostgreSQL when
// SILKGATE_TEST_DATABASE_URL is set — and then an unreachable server fails the suite, it never skips.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from '../../src/db/store.js';
import type { DatabaseTarget } from '../../src/kernel/config.js';

export interface TestStore {
  readonly store: Store;
  dispose(): Promise<void>;
}

export const adapters: readonly string[] = process.env.SILKGATE_TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

export async function openTestStore(adapter: string): Promise<TestStore> {
  if (adapter === 'sqlite') {
    const store = await openStore({ kind: 'sqlite', file: ':memory:' });
    return { store, dispose: () => store.close() };
  }
  const url = process.env.SILKGATE_TEST_DATABASE_URL!;
  const schema = `sg_test_${randomBytes(6).toString('hex')}`;
  const target: DatabaseTarget = { kind: 'postgres', url };
  const store = await openStore(target, { schema });
  return {
    store,
    async dispose() {
      await store.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}
