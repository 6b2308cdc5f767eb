// `silkgate keys | sign | verify` as a user runs them: make a key pair, sign a list, verify it,
// see a tampered copy fail with the reason; register keys for an enterprise in the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inventoryXml } from './support/ceb-models.js';
import { loadConfig } from '../src/kernel/config.js';
import { createPlatform } from '../src/platform.js';
import { demoEnterprises } from '../src/zone/demo.js';

const CLI = join(import.meta.dirname, '../dist/src/cli/main.js');
const run = promisify(execFile);
let dir: string;

async function silkgate(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [CLI, ...args], { env: { ...process.env, LANG: 'C', DATABASE_URL: '', ...env }, maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
const f = (name: string) => join(dir, name);

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
  dir = mkdtempSync(join(tmpdir(), 'silkgate-cli-sign-'));
  writeFileSync(f('list.xml'), inventoryXml().replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, ''));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('silkgate keys new, sign, verify', () => {
  it('makes an SM2 key pair, signs a list and verifies it, naming algorithm, subject and serial', async () => {
    const made = await silkgate(['keys', 'new', '--cn', '金义综保区美妆进口有限公司', '--out-key', f('k.pem'), '--out-cert', f('c.pem')]);
    expect(made.code).toBe(0);
    expect(readFileSync(f('k.pem'), 'utf8')).toContain('BEGIN PRIVATE KEY');
    const signed = await silkgate(['sign', f('list.xml'), '--key', f('k.pem'), '--cert', f('c.pem')]);
    expect(signed.code).toBe(0);
    expect(signed.stdout).toContain('xmldsig#sm2-sm3');
    writeFileSync(f('signed.xml'), signed.stdout);
    const ok = await silkgate(['verify', f('signed.xml'), '--lang', 'en']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('valid signature');
    expect(ok.stdout).toContain('SM2-SM3');
    expect(ok.stdout).toContain('CN=金义综保区美妆进口有限公司');
    const json = JSON.parse((await silkgate(['verify', f('signed.xml'), '--json'])).stdout);
    expect(json).toMatchObject({ valid: true, algorithm: 'sm2', digest: 'sm3', certificateCheck: 'self-signed' });
    expect(ok.stdout).toContain(json.serial);
  });

  it('exits 1 with the reason for a tampered message, an unsigned one and a broken certificate', async () => {
    const signed = readFileSync(f('signed.xml'), 'utf8');
    writeFileSync(f('tampered.xml'), signed.replace('金义综保区美妆', '金华综保区美妆'));
    const bad = await silkgate(['verify', f('tampered.xml'), '--lang', 'en']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('digest mismatch');
    const zh = await silkgate(['verify', f('tampered.xml'), '--lang', 'zh-CN']);
    expect(zh.stdout).toContain('摘要不符');
    expect((await silkgate(['verify', f('list.xml'), '--lang', 'en'])).stdout).toContain('not signed');
    writeFileSync(f('sig-changed.xml'), signed.replace(/(<ds:SignatureValue>)(.)/, (_m, a: string, c: string) => a + (c === 'A' ? 'B' : 'A')));
    const sig = await silkgate(['verify', f('sig-changed.xml'), '--json']);
    expect(sig.code).toBe(1);
    expect(JSON.parse(sig.stdout).reason).toBe('signature-mismatch');
    writeFileSync(f('alg.xml'), signed.replace('2022/04/xmldsig#sm2-sm3', '2022/04/xmldsig#sm2-sha256'));
    expect(JSON.parse((await silkgate(['verify', f('alg.xml'), '--json'])).stdout).reason).toBe('unsupported-algorithm');
  });

  it('signs RSA-SHA1 with an encrypted key whose passphrase comes from the environment', async () => {
    expect((await silkgate(['keys', 'new', '--alg', 'rsa', '--cn', 'Yiwu Express', '--out-key', f('rk.pem'), '--out-cert', f('rc.pem'), '--passphrase-env', 'KEY_PASS'], { KEY_PASS: 'p@ss 口令' })).code).toBe(0);
    expect(readFileSync(f('rk.pem'), 'utf8')).toContain('ENCRYPTED PRIVATE KEY');
    const noPass = await silkgate(['sign', f('list.xml'), '--key', f('rk.pem'), '--cert', f('rc.pem')]);
    expect(noPass.code).toBe(1);
    const signed = await silkgate(['sign', f('list.xml'), '--key', f('rk.pem'), '--cert', f('rc.pem'), '--alg', 'rsa', '--passphrase-env', 'KEY_PASS', '--out', f('rsa.xml')], { KEY_PASS: 'p@ss 口令' });
    expect(signed.code).toBe(0);
    expect(JSON.parse((await silkgate(['verify', f('rsa.xml'), '--json'])).stdout)).toMatchObject({ valid: true, algorithm: 'rsa', digest: 'sha1' });
    // --alg that does not match the key is a usage mistake.
    expect((await silkgate(['sign', f('list.xml'), '--key', f('k.pem'), '--cert', f('c.pem'), '--alg', 'rsa'])).code).toBe(2);
  });
});

describe('silkgate keys add, generate, list', () => {
  it('registers an uploaded certificate and makes a demo key for an enterprise in the database', async () => {
    const data = f('data');
    const platform = await createPlatform(loadConfig({ data }, {}));
    await platform.registry.importMany(demoEnterprises(platform.zone).slice(0, 1), 'test');
    const uscc = demoEnterprises(platform.zone)[0]!.uscc;
    await platform.close();
    const add = await silkgate(['keys', 'add', uscc, '--cert', f('c.pem'), '--key', f('k.pem'), '--data', data]);
    expect(add.code).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ algorithm: 'sm2', platformSigns: true, source: 'upload' });
    expect((await silkgate(['keys', 'generate', uscc, '--alg', 'rsa', '--data', data])).code).toBe(0);
    const list = JSON.parse((await silkgate(['keys', 'list', uscc, '--json', '--data', data])).stdout) as { algorithm: string }[];
    expect(list.map((k) => k.algorithm).sort()).toEqual(['rsa', 'sm2']);
    const again = await silkgate(['keys', 'add', uscc, '--cert', f('c.pem'), '--data', data]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already registered|已为本企业登记/);
    expect(existsSync(join(data, 'keystore-secret'))).toBe(true);
  });
});
