// The compiled command line, as a user runs it (npm test builds dist/ first).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { enterpriseInput, usccFor } from './support/fixtures.js';

const CLI = join(import.meta.dirname, '../dist/src/cli/main.js');
const run = promisify(execFile);
let dir: string;

async function silkgate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [CLI, ...args, '--data', dir], { env: { ...process.env, LANG: 'C', DATABASE_URL: '' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
  dir = mkdtempSync(join(tmpdir(), 'silkgate-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('silkgate enterprise', () => {
  it('adds, lists and shows an enterprise', async () => {
    const uscc = usccFor(1);
    const add = await silkgate('enterprise', 'add', '--uscc', uscc, '--name', '义乌小商品出口有限公司', '--roles', 'ebc,logistics', '--county', '330782', '--customs-code', '3318000001');
    expect(add.code).toBe(0);
    expect(add.stdout).toContain(uscc);
    const list = await silkgate('enterprise', 'list');
    expect(list.stdout).toContain('义乌小商品出口有限公司');
    expect(list.stdout).toMatch(/1–1 \/ 1/);
    const show = await silkgate('enterprise', 'show', '3318000001', '--json');
    expect(JSON.parse(show.stdout)).toMatchObject({ uscc, roles: ['ebc', 'logistics'], county: '330782' });
  });

  it('refuses a wrong check character with exit code 1 and one line per problem', async () => {
    const res = await silkgate('enterprise', 'add', '--uscc', '91350100M000100Y44', '--name', 'x', '--roles', 'ebc', '--lang', 'en');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('/uscc  USCC_CHECK_CHAR');
    expect(res.stderr).toContain('should be 3, not 4');
    expect((await silkgate('enterprise', 'list', '--json')).stdout).toContain('"total": 1');
  });

  it('imports a CSV file through the bulk path', async () => {
    const rows = [2, 3, 4].map((n) => enterpriseInput(n));
    const csv = ['uscc,customsCode,nameZh,roles,county', ...rows.map((r) => `${r.uscc},${r.customsCode},"${r.nameZh}","ebc payment",${r.county}`)].join('\n');
    const file = join(dir, 'batch.csv');
    writeFileSync(file, '\uFEFF' + csv);
    const res = await silkgate('enterprise', 'import', file);
    expect(res.stdout.trim()).toBe('{"imported":3}');
    const show = JSON.parse((await silkgate('enterprise', 'show', rows[1]!.uscc, '--json')).stdout);
    expect(show.roles).toEqual(['ebc', 'payment']);
  });

  it('issues a token', async () => {
    const res = await silkgate('enterprise', 'token', usccFor(1), '--label', 'erp');
    expect(JSON.parse(res.stdout).token).toMatch(/^sg_/);
  });

  it('explains usage mistakes with exit code 2', async () => {
    expect((await silkgate('enterprise', 'show')).code).toBe(2);
    expect((await silkgate('frobnicate')).code).toBe(2);
  });
});

describe('silkgate serve', () => {
  it('refuses bad configuration with one clear line', async () => {
    const res = await silkgate('serve', '--port', 'abc');
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/CONFIG_INVALID/);
  });

  it('refuses a port in use with one clear line, and a later start still has its operator token', async () => {
    const blocker = (await import('node:net')).createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = String((blocker.address() as { port: number }).port);
    const data = join(dir, 'busy');
    try {
      const res = await run('node', [CLI, 'serve', '--port', port, '--data', data], { env: { ...process.env, LANG: 'C', DATABASE_URL: '' } }).catch((e) => e as { code: number; stderr: string });
      expect((res as { code: number }).code).toBe(2);
      expect((res as { stderr: string }).stderr.trim().split('\n')).toHaveLength(1);
      expect((res as { stderr: string }).stderr).toContain(`port ${port}`);
      // The token made before the failed listen was saved, so nobody is locked out.
      expect(readFileSync(join(data, 'admin-token'), 'utf8')).toMatch(/^sg_/);
    } finally {
      blocker.close();
    }
  });

  it('resets the operator token from the command line', async () => {
    const data = join(dir, 'reset');
    const res = await run('node', [CLI, 'admin-token', 'reset', '--data', data], { env: { ...process.env, DATABASE_URL: '' } });
    expect(res.stdout.trim()).toMatch(/^sg_/);
    expect(readFileSync(join(data, 'admin-token'), 'utf8').trim()).toBe(res.stdout.trim());
  });

  it('starts, prints where everything is, answers, and shuts down cleanly on SIGTERM', async () => {
    const data = join(dir, 'serve');
    const child = spawn('node', [CLI, 'serve', '--port', '0', '--data', data, '--log-level', 'warn'], { env: { ...process.env, DATABASE_URL: '' } });
    let out = '';
    const base = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /dashboard\s+(http:\/\/\S+)\//.exec(out);
        if (m && out.includes('operator token')) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
    });
    expect(out).toMatch(/OpenAPI docs http:\/\/127\.0\.0\.1:\d+\/docs/);
    expect(out).toMatch(/API\s+http:\/\/127\.0\.0\.1:\d+\/api\/v1/);
    const tokenFile = join(data, 'admin-token');
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const token = readFileSync(tokenFile, 'utf8').trim();
    const health = await fetch(`${base}/healthz`);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'sqlite' });
    const summary = await fetch(`${base}/api/v1/registry/summary`, { headers: { authorization: `Bearer ${token}` } });
    expect(summary.status).toBe(200);
    // A first start on the embedded database brings the demo enterprises, and says so.
    expect(out).toMatch(/demo data\s+20 enterprises/);
    expect(((await summary.json()) as { total: number }).total).toBe(20);
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});

describe('silkgate ceb', () => {
  const fixture = join(import.meta.dirname, 'fixtures/ceb/ceb311-realistic.xml');

  it('checks files: one JSON line each, exit 0 only when all are valid', async () => {
    const good = await silkgate('ceb', 'check', fixture);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toEqual({ file: fixture, messageType: 'CEB311Message', version: '202205', valid: true, errors: [], warnings: [] });
    const bad = join(dir, 'bad311.xml');
    writeFileSync(bad, readFileSync(fixture, 'utf8').replace('<ceb:currency>142</ceb:currency>', '<ceb:currency>502</ceb:currency>'));
    const both = await silkgate('ceb', 'check', fixture, bad, '--lang', 'en');
    expect(both.code).toBe(1);
    const lines = both.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.valid)).toEqual([true, false]);
    // The XSD fixes the head's currency (fixed="142"): a schema failure, 0002.
    expect(lines[1].errors).toEqual([expect.objectContaining({ code: '0002', rule: 'CEB_ENUM', path: '/Order/0/OrderHead/currency', line: 20 })]);
    expect(lines[1].errors[0].message).toContain('"502"');
  });

  it('parses to JSON and renders the JSON back to the same message', async () => {
    const parsed = await silkgate('ceb', 'parse', fixture);
    const json = join(dir, 'order.json');
    writeFileSync(json, parsed.stdout);
    const rendered = await silkgate('ceb', 'render', json);
    expect(rendered.code).toBe(0);
    const again = join(dir, 'again.xml');
    writeFileSync(again, rendered.stdout);
    expect(JSON.parse((await silkgate('ceb', 'parse', again)).stdout).message).toEqual(JSON.parse(parsed.stdout).message);
  });

  it('refuses to render a model with a number where text belongs', async () => {
    const parsed = JSON.parse((await silkgate('ceb', 'parse', fixture)).stdout);
    parsed.message.Order[0].OrderHead.goodsValue = 1286.5;
    const json = join(dir, 'numeric.json');
    writeFileSync(json, JSON.stringify(parsed));
    const res = await silkgate('ceb', 'render', json);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('/Order/0/OrderHead/goodsValue');
  });

  it('wraps into a DxpMsg and unwraps back to the original bytes', async () => {
    const wrapped = await silkgate('ceb', 'wrap', fixture, '--sender', 'DXPENT0000330782');
    const env = join(dir, 'env.xml');
    writeFileSync(env, wrapped.stdout);
    const unwrapped = await silkgate('ceb', 'unwrap', env);
    expect(unwrapped.code).toBe(0);
    expect(unwrapped.stdout).toBe(readFileSync(fixture, 'utf8'));
  });

  it('renders a CEB900 receipt for a message that fails', async () => {
    const bad = join(dir, 'hostile.xml');
    writeFileSync(bad, '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>');
    const res = await silkgate('ceb', 'receipt', bad);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('<ceb:returnStatus>-1</ceb:returnStatus>');
    expect(res.stdout).toContain('XML_DTD_FORBIDDEN');
    expect(res.stdout).not.toContain('root:x:0');
  });
});
