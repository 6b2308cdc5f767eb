// The keystore secret: SILKGATE_KEYSTORE_SECRET when set; otherwise a random secret kept beside the
// SQLite database file (or in the data directory for PostgreSQL), mode 600, made on first use. An in-memory database gets a
// secret for the life of the process, like its keys.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '../kernel/config.js';

export function keystoreSecret(config: Config): string {
  if (config.keystoreSecret) return config.keystoreSecret;
  if (config.database.kind === 'sqlite' && config.database.file === ':memory:') return randomBytes(32).toString('base64url');
  const dir = config.database.kind === 'sqlite' ? dirname(config.database.file) : config.dataDir;
  const file = join(dir, 'keystore-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secret = randomBytes(32).toString('base64url');
  mkdirSync(dir, { recursive: true });
  // 'wx': another process creating it at the same moment wins, and its secret is read back.
  try {
    writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw err;
  }
}
