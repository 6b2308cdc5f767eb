import { defineConfig } from 'vitest/config';

// Three projects: `unit` (pure code, HTTP and CLI end to end on SQLite), `storage` (the
// persistence suite, run on SQLite always and on PostgreSQL when SILKGATE_TEST_DATABASE_URL is set)
// and `services` (adapters against real external services — RabbitMQ — run by `npm run
// test:services` and by .ci/run; `npm test` runs the first two).
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], exclude: ['**/*.storage.test.ts', 'test/services/**', 'node_modules/**', 'dist/**'] } },
      { extends: true, test: { name: 'storage', include: ['src/**/*.storage.test.ts', 'test/**/*.storage.test.ts'], exclude: ['node_modules/**', 'dist/**'] } },
      // extends: an inline project does not take the root's timeouts otherwise.
      { extends: true, test: { name: 'services', include: ['test/services/**/*.test.ts'], exclude: ['node_modules/**', 'dist/**'] } },
    ],
  },
});
