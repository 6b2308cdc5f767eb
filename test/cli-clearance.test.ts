// `silkgate intake` and `silkgate status` as a user runs them: the enterprises, their tokens and
// item records are set up in-process on the same SQLite file, then the built CLI files folders of
// messages, one folder per filer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../src/kernel/config.js';
import { createPlatform } from '../src/platform.js';
import { demoEnterprises } from '../src/zone/demo.js';
import { writeMessage } from '../src/ceb/codec.js';
import { ITEM_RECORDS, parcel, type Parties } from './support/parcels.js';
import { provisionDemoKeys } from '../src/signing/demo.js';

const CLI = join(import.meta.dirname, '../dist/src/cli/main.js');
const run = promisify(execFile);
let dir: string;
let parties: Parties;
let admin: string;
/** An order filed by the first test, for the visibility check. */
let filedOrder = '';
const tokens: Record<keyof Parties, string> = { ebp: '', ebc: '', payment: '', logistics: '' };
/** The folder each filer's messages go to. */
const FOLDER = { order: 'ebp', payment: 'payment', waybill: 'logistics' } as const;

async function silkgate(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [CLI, ...args, '--data', dir], { env: { ...process.env, LANG: 'C', DATABASE_URL: '', SILKGATE_TOKEN: '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
const lines = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
const intake = (filer: keyof Parties, folder: string, ...more: string[]) => silkgate(['intake', '--token', tokens[filer], ...more, folder]);

/** Writes the three documents of fresh parcels as XML files under root/<filer>/…; returns their numbers. */
function writeParcels(root: string, count: number, sub = ''): string[] {
  const orderNos: string[] = [];
  for (let i = 0; i < count; i++) {
    const x = parcel(parties);
    orderNos.push(x.orderNo);
    for (const [part, type] of [['order', 'CEB311Message'], ['payment', 'CEB411Message'], ['waybill', 'CEB511Message']] as const) {
      const folder = join(root, FOLDER[part], sub);
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, `${x.orderNo}-${part}.xml`), writeMessage(type, x[part]));
    }
  }
  return orderNos;
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
  dir = mkdtempSync(join(tmpdir(), 'silkgate-cli-clearance-'));
  // Closed before the CLI runs, so the child never waits on this process's lock.
  const platform = await createPlatform(loadConfig({ data: dir }, {}));
  try {
    admin = (await platform.registry.ensureAdminToken())!;
    await platform.registry.importMany(demoEnterprises(platform.zone), 'test');
    await provisionDemoKeys(platform.keystore, (await platform.registry.list({ limit: 100 })).items, 'test');
    const all = (await platform.registry.list({ limit: 100 })).items;
    const pick = (name: string) => all.find((e) => e.nameZh.startsWith(name))!;
    parties = { ebp: pick('义乌小商品跨境电商平台'), ebc: pick('金义综保区美妆进口'), payment: pick('浙江金义支付'), logistics: pick('义乌国际快递') };
    for (const k of Object.keys(tokens) as (keyof Parties)[]) tokens[k] = (await platform.registry.issueToken(parties[k].id, 'cli test', 'test')).token;
    await platform.pipeline.putItemRecords(parties.ebc, ITEM_RECORDS);
  } finally {
    await platform.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('silkgate intake and status', () => {
  it('files each filer\'s folder, one accepted line per document, and the parcels match', async () => {
    const root = join(dir, 'batch1');
    const orderNos = [...writeParcels(root, 2), ...writeParcels(root, 1, 'later')];
    for (const [filer, part] of [['logistics', 'waybill'], ['payment', 'payment'], ['ebp', 'order']] as const) {
      const folder = join(root, FOLDER[part]);
      const res = await intake(filer, folder);
      expect(res.code, res.stderr).toBe(0);
      // Not a terminal: no progress bar.
      expect(res.stderr).toBe('');
      const out = lines(res.stdout);
      expect(out.every((l) => l.status === 'accepted' && l.returnStatus === '2')).toBe(true);
      // Name order, the sub-folder after the files that sort before it.
      expect(out.map((l) => l.file)).toEqual([
        join(folder, `${orderNos[0]}-${part}.xml`), join(folder, `${orderNos[1]}-${part}.xml`), join(folder, 'later', `${orderNos[2]}-${part}.xml`),
      ]);
    }
    filedOrder = `${parties.ebp.customsCode}:${orderNos[0]}`;
    const json = await silkgate(['status', 'order', filedOrder, '--json']);
    expect(json.code).toBe(0);
    // Matched at intake; still 'received' because without --wait the declarations wait in the outbox for the server.
    expect(JSON.parse(json.stdout)).toMatchObject({ kind: 'order', state: 'received', match: { state: 'matched', matched: true, mismatches: [] } });
    // The readable form, in English; the payment filer sees its own document with its token.
    const text = await silkgate(['status', 'payment', `${parties.payment.customsCode}:PAY${orderNos[0]}`, '--token', tokens.payment, '--lang', 'en']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^payment {2}/);
    expect(text.stdout).toMatch(/match\s+matched/);
    expect(text.stdout).toContain('history:');
    expect(text.stdout).toMatch(/— → received/);
  });

  it('filing the same files again replays every answer', async () => {
    const res = await intake('ebp', join(dir, 'batch1', 'ebp'));
    expect(res.code).toBe(0);
    expect(lines(res.stdout).map((l) => l.status)).toEqual(['replayed', 'replayed', 'replayed']);
  });

  it('refuses a malformed file with its CEB900 receipt and files the others, exit code 1', async () => {
    const root = join(dir, 'batch2');
    writeParcels(root, 2);
    const folder = join(root, 'ebp');
    writeFileSync(join(folder, 'broken.xml'), '<ceb:CEB311Message xmlns:ceb="http://www.chinaport.gov.cn/ceb"><ceb:Order>');
    writeFileSync(join(folder, 'notes.txt'), 'not a message');
    const res = await intake('ebp', folder);
    expect(res.code).toBe(1);
    const out = lines(res.stdout);
    expect(out.map((l) => l.status)).toEqual(['accepted', 'accepted', 'refused']);
    expect(out[2]).toMatchObject({ file: join(folder, 'broken.xml'), code: 'INTAKE_REJECTED', receipt: { messageType: 'CEB900Message' } });
    expect((out[2]!.issues as unknown[]).length).toBeGreaterThan(0);
    expect((out[2]!.receipt as { xml: string }).xml).toContain('<ceb:returnStatus>-1</ceb:returnStatus>');
  });

  it('refuses another enterprise\'s documents file by file, and a duplicate document by its customs code', async () => {
    const root = join(dir, 'batch3');
    const [orderNo] = writeParcels(root, 1);
    // The platform's token files the payment folder: the sender is not the token holder.
    const wrong = await intake('ebp', join(root, 'payment'));
    expect(wrong.code).toBe(1);
    expect(lines(wrong.stdout)[0]).toMatchObject({ status: 'refused', code: 'INTAKE_WRONG_SENDER' });
    // A new message (new guid) for an order number already filed is refused per document.
    const again = parcel(parties);
    const dup = join(root, 'dup');
    mkdirSync(dup);
    const model = structuredClone(again.order) as { Order: { OrderHead: Record<string, string> }[] };
    model.Order[0]!.OrderHead.orderNo = orderNo!;
    writeFileSync(join(dup, 'order.xml'), writeMessage('CEB311Message', model as never));
    expect((await intake('ebp', join(root, 'ebp'))).code).toBe(0);
    const res = await intake('ebp', dup);
    expect(res.code).toBe(1);
    expect(lines(res.stdout)[0]).toMatchObject({ status: 'refused', returnStatus: '-301010' });
  });

  it('files JSON ({messageType, message}) too, and with --wait stores customs\' receipts before exiting', async () => {
    const x = parcel(parties);
    const root = join(dir, 'batch4');
    for (const [part, type] of [['order', 'CEB311Message'], ['payment', 'CEB411Message'], ['waybill', 'CEB511Message']] as const) {
      mkdirSync(join(root, FOLDER[part]), { recursive: true });
      writeFileSync(join(root, FOLDER[part], `${part}.json`), JSON.stringify({ messageType: type, message: x[part] }));
    }
    expect((await intake('payment', join(root, 'payment'))).code).toBe(0);
    expect((await intake('logistics', join(root, 'logistics'))).code).toBe(0);
    // The token from the environment; the simulator answers at once.
    const res = await silkgate(['intake', '--wait', join(root, 'ebp')], { SILKGATE_TOKEN: tokens.ebp, SILKGATE_SIMULATOR_STEP_MS: '0' });
    expect(res.code, res.stderr).toBe(0);
    expect(lines(res.stdout)).toEqual([expect.objectContaining({ file: join(root, 'ebp', 'order.json'), status: 'accepted' })]);
    const broken = join(root, 'broken.json');
    writeFileSync(broken, '{"messageType": "CEB311Message", ');
    const bad = await intake('ebp', broken);
    expect(bad.code).toBe(1);
    expect(lines(bad.stdout)).toEqual([expect.objectContaining({ file: broken, status: 'refused', code: 'CLI_INTAKE_JSON_SYNTAX' })]);
    const view = JSON.parse((await silkgate(['status', 'order', `${parties.ebp.customsCode}:${x.orderNo}`, '--json'])).stdout);
    expect(view.match.state).toBe('matched');
    expect(view.receipts.map((r: { returnStatus: string }) => r.returnStatus)).toEqual(['2', '120']);
    const list = JSON.parse((await silkgate(['status', 'inventory', view.match.inventoryId, '--json'])).stdout);
    expect(list.receipts.length).toBeGreaterThan(0);
  });

  it('needs an enterprise token: missing, unknown or operator tokens are exit code 2', async () => {
    const folder = join(dir, 'batch1', 'ebp');
    const missing = await silkgate(['intake', folder]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('CLI_INTAKE_TOKEN_MISSING');
    const unknown = await silkgate(['intake', '--token', 'sg_not_a_token', folder, '--lang', 'en']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown or revoked');
    const operator = await silkgate(['intake', '--token', admin, folder]);
    expect(operator.code).toBe(2);
    expect(operator.stderr).toContain('INTAKE_ENTERPRISE_ONLY');
    expect(operator.stdout).toBe('');
    expect((await silkgate(['intake', '--token', tokens.ebp, join(dir, 'no-such-folder')])).code).toBe(2);
  });

  it('status: not found is exit code 1, an unknown kind a usage error', async () => {
    const res = await silkgate(['status', 'order', `${parties.ebp.customsCode}:NOPE`]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('DOCUMENT_NOT_FOUND');
    expect((await silkgate(['status', 'parcel', 'x'])).code).toBe(2);
    // An enterprise sees what it filed or is named in; the ebc is named, the carrier is not.
    expect((await silkgate(['status', 'order', filedOrder, '--token', tokens.ebc])).code).toBe(0);
    expect((await silkgate(['status', 'order', filedOrder, '--token', tokens.logistics])).code).toBe(1);
  });
});
