import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure code, HTTP and CLI end to end on SQLite) and `storage` (the
// persistence suite, run on SQLite always and on PostgreSQL when SILKGATE_TEST_DATABASE_URL is set).
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], exclude: ['**/*.storage.test.ts', 'node_modules/**', 'dist/**'] } },
      { test: { name: 'storage', include: ['src/**/*.storage.test.ts', 'test/**/*.storage.test.ts'], exclude: ['node_modules/**', 'dist/**'] } },
    ],
  },
});
