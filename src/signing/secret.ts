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
    return checked(readFileSync(file, 'utf8').trim(), file);
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
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return checked(readFileSync(file, 'utf8').trim(), file);
    throw err;
  }
}

/** An empty or short secret file would store keys barely protected: refuse to start with it. */
function checked(secret: string, file: string): string {
  if (secret.length < 24) throw new Error(`the keystore secret in ${file} is shorter than 24 characters: restore the file, or set SILKGATE_KEYSTORE_SECRET`);
  return secret;
}
