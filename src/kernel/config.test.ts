import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { loadConfig } from './config.js';
import { AppError } from './errors.js';

describe('configuration', () => {
  it('defaults to port 8080 and SQLite under ./data', () => {
    const c = loadConfig({}, {});
    expect(c.port).toBe(8080);
    expect(c.database).toEqual({ kind: 'sqlite', file: resolve('data/silkgate.db') });
    expect(c.zone).toBe('jinhua');
    expect(Object.isFrozen(c)).toBe(true);
  });
  it('prefers flags over the environment', () => {
    const c = loadConfig({ port: '9000', data: '/tmp/x' }, { PORT: '7000', SILKGATE_DATA: '/tmp/y', SILKGATE_ZONE: 'zhoushan' });
    expect(c.port).toBe(9000);
    expect(c.dataDir).toBe('/tmp/x');
    expect(c.zone).toBe('zhoushan');
  });
  it('loads demo data only on the embedded database unless told otherwise', () => {
    expect(loadConfig({}, {}).demo).toBe(true);
    expect(loadConfig({}, { DATABASE_URL: 'postgres://u@h/db' }).demo).toBe(false);
    expect(loadConfig({}, { SILKGATE_DEMO: '0' }).demo).toBe(false);
    expect(loadConfig({}, { DATABASE_URL: 'postgres://u@h/db', SILKGATE_DEMO: '1' }).demo).toBe(true);
    expect(loadConfig({ demo: false }, { SILKGATE_DEMO: '1' }).demo).toBe(false);
  });

  it('takes PostgreSQL from DATABASE_URL', () => {
    expect(loadConfig({}, { DATABASE_URL: 'postgres://u@h:5432/db' }).database).toEqual({ kind: 'postgres', url: 'postgres://u@h:5432/db' });
  });
  it.each([
    [{ port: '70000' }, {}, /port/],
    [{ port: 'eighty' }, {}, /port/],
    [{ db: 'mysql://x' }, {}, /postgres/],
    [{ zone: 'hangzhou' }, {}, /zone/],
    [{}, { LOG_LEVEL: 'loud' }, /log level/],
    [{}, { SILKGATE_ADMIN_TOKEN: 'short' }, /24 characters/],
    [{}, { SILKGATE_DEMO: 'yes' }, /SILKGATE_DEMO/],
    [{}, { SILKGATE_SIMPLIFIED_HS_DIGITS: '9610:5' }, /SILKGATE_SIMPLIFIED_HS_DIGITS/],
    [{ db: 'postgres://user:secret@[bad' }, {}, /\*\*\*@/],
  ])('refuses bad configuration %o %o with one clear line', (flags, env, why) => {
    try {
      loadConfig(flags, env);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('CONFIG_INVALID');
      expect((err as AppError).text.en).toMatch(why);
      expect((err as AppError).text.en).not.toContain('\n');
    }
  });
});
