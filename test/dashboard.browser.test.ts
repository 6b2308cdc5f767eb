// The dashboard (web/index.html) in a real browser: Debian's Chromium driven by playwright-core,
// against the app listening on a random port with an in-memory SQLite database.
//
// Needs /usr/bin/chromium (`apt-get install -y chromium`). Without it the suite is skipped locally
// and fails in CI (CI=true). Playwright's own browser download is never used.
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig } from '../src/kernel/config.js';
import { createPlatform, type Platform } from '../src/platform.js';
import { buildApp } from '../src/http/server.js';
import { writeMessage } from '../src/ceb/codec.js';
import { createCustomsSimulator } from '../src/clearance/gateway/simulator.js';
import type { Enterprise } from '../src/registry/model.js';
import { enterpriseInput, usccFor } from './support/fixtures.js';
import { ITEM_RECORDS, parcel, type Parties } from './support/parcels.js';
import { provisionDemoKeys } from '../src/signing/demo.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM && process.env.CI === 'true') {
  throw new Error(`dashboard browser test: ${CHROMIUM} not found; install it with \`apt-get install -y chromium\` (do not use Playwright's browser download)`);
}
// The machine has no network: these keep Chromium from calling Google.
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const SCREENSHOT = '/tmp/dashboard-overview.png';
const SCREENSHOT_CLEARANCE = '/tmp/dashboard-clearance.png';
const WAIT = { timeout: 15_000, interval: 100 };

// 25 enterprises: 14 in 义乌市 (e-commerce, some also payment), 8 in 永康市 (logistics), 3 in 东阳市 (e-commerce).
const YIWU = '330782', YONGKANG = '330784', DONGYANG = '330783';
const COUNTY_COUNTS: Record<string, number> = { [YIWU]: 14, [YONGKANG]: 8, [DONGYANG]: 3 };
const TOTAL = 25;
function seedInputs() {
  const inputs = [];
  for (let n = 1; n <= TOTAL; n++) {
    if (n <= 14) {
      inputs.push(enterpriseInput(n, {
        uscc: usccFor(n, YIWU), roles: n % 3 === 0 ? ['ebc', 'payment'] : ['ebc'],
        ...(n <= 3 ? { creditLevel: 'certified' } : {}),
      }));
    } else if (n <= 22) {
      inputs.push(enterpriseInput(n, {
        uscc: usccFor(n, YONGKANG), county: YONGKANG, roles: ['logistics'],
        nameZh: `永康五金物流有限公司${n}`, nameEn: `Yongkang Hardware Logistics Co. ${n}`,
      }));
    } else {
      inputs.push(enterpriseInput(n, {
        uscc: usccFor(n, DONGYANG), county: DONGYANG, roles: ['ebc'],
        nameZh: `东阳红木家具电商有限公司${n}`, nameEn: `Dongyang Rosewood Furniture E-commerce Co. ${n}`,
      }));
    }
  }
  return inputs;
}

describe.skipIf(!HAVE_CHROMIUM)(
  HAVE_CHROMIUM ? 'dashboard in Chromium' : `dashboard in Chromium — SKIPPED: ${CHROMIUM} not found (apt-get install -y chromium)`,
  () => {
    let platform: Platform;
    let app: FastifyInstance;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let token: string;
    let base: string;
    const problems: string[] = [];

    const rows = () => page.locator('#rows tr.clickable');
    const rowCount = () => rows().count();
    const pageInfo = () => page.locator('#pageInfo').innerText();
    const tab = (name: string) => page.locator(`nav button[data-tab="${name}"]`);

    beforeAll(async () => {
      // The customs simulator answers at once and always the same way (no rejections, reviews, inspections).
      const gateway = createCustomsSimulator({ stepDelayMs: 0, validate: true, shares: { reject: 0, review: 0, inspect: 0, detain: 0, returned: 0 } });
      platform = await createPlatform(loadConfig({ db: 'sqlite::memory:' }, {}), { gateway });
      await platform.pipeline.start();
      token = (await platform.registry.ensureAdminToken())!;
      for (const input of seedInputs()) await platform.registry.create(input, 'test');
      app = await buildApp(platform);
      await app.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
      page = await context.newPage();
      page.setDefaultTimeout(15_000);
      page.on('console', (msg) => {
        if (msg.type() !== 'error') return;
        problems.push(`console error: ${msg.text()} (${msg.location().url})`);
      });
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    });

    afterAll(async () => {
      await browser?.close();
      await app?.close();
      await platform?.close();
    });

    it('loads without errors and, with no token, asks for the operator token', async () => {
      const res = await page.goto(base + '/');
      expect(res?.status()).toBe(200);
      expect(await page.title()).toContain('Silkgate');
      // The zone name is filled in from /api/v1/zone once start() has run.
      await expect.poll(() => page.locator('#zoneName').innerText(), WAIT).toContain('金华');
      await expect.poll(() => page.locator('#message .msg.info').innerText(), WAIT).toContain('请输入运营令牌');
      expect(await page.locator('#cards .card').count()).toBe(0);
      expect(await tab('overview').getAttribute('aria-selected')).toBe('true');
      expect(problems).toEqual([]);
    });

    it('after the token is entered, shows the totals and one county bar per county with data', async () => {
      await page.locator('#token').fill(token);
      await page.locator('#token').press('Enter');
      await expect.poll(() => page.locator('#cards .card').count(), WAIT).toBe(4);
      expect(await page.locator('#message').innerText()).toBe('');
      const cards = await page.locator('#cards .card').evaluateAll((els) =>
        els.map((el) => [el.querySelector('.l')?.textContent, el.querySelector('.n')?.textContent]));
      expect(cards).toEqual([['备案企业', '25'], ['正常经营', '25'], ['认证企业（AEO）', '3'], ['失信企业', '0']]);
      expect(await page.evaluate<string | null>("localStorage.getItem('sg.token')")).toBe(token);

      // One bar per county with enterprises, largest first, labelled with the county's name.
      await expect.poll(() => page.locator('#chartCounty svg rect').count(), WAIT).toBe(Object.keys(COUNTY_COUNTS).length);
      const bars = await page.locator('#chartCounty svg rect title').allTextContents();
      expect(bars).toEqual(['义乌市: 14', '永康市: 8', '东阳市: 3']);
      // Roles: ebc 17 (14 + 3), logistics 8, payment 4 (n = 3, 6, 9, 12).
      expect(await page.locator('#chartRole svg rect title').allTextContents()).toEqual(['电商企业: 17', '物流企业: 8', '支付企业: 4']);

      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(problems).toEqual([]);
    });

    it('lists 20 enterprises per page, says there are 25, and "next" shows the other 5', async () => {
      await tab('enterprises').click();
      await expect.poll(rowCount, WAIT).toBe(20);
      expect(await pageInfo()).toBe('第 1 / 2 页，共 25 家');
      expect(await page.locator('#prev').isDisabled()).toBe(true);
      expect(await page.locator('#next').isEnabled()).toBe(true);

      await page.locator('#next').click();
      await expect.poll(pageInfo, WAIT).toBe('第 2 / 2 页，共 25 家');
      expect(await rowCount()).toBe(5);
      expect(await page.locator('#next').isDisabled()).toBe(true);

      await page.locator('#prev').click();
      await expect.poll(pageInfo, WAIT).toBe('第 1 / 2 页，共 25 家');
      expect(await rowCount()).toBe(20);
    });

    it('narrows the rows by search and by county', async () => {
      await page.locator('#q').fill('永康五金');
      await expect.poll(pageInfo, WAIT).toBe('第 1 / 1 页，共 8 家');
      expect(await rowCount()).toBe(8);
      for (const name of await rows().locator('td:first-child').allTextContents()) expect(name).toContain('永康五金');

      // A USCC prefix finds exactly one enterprise.
      const uscc = usccFor(23, DONGYANG);
      await page.locator('#q').fill(uscc);
      await expect.poll(pageInfo, WAIT).toBe('第 1 / 1 页，共 1 家');
      expect(await rows().locator('td:nth-child(2)').allTextContents()).toEqual([uscc]);

      // Clear the search and wait for the full list before filtering, so the debounced search
      // reload cannot land after the filter reload.
      await page.locator('#q').fill('');
      await expect.poll(pageInfo, WAIT).toBe('第 1 / 2 页，共 25 家');

      await page.locator('#fCounty').selectOption(DONGYANG);
      await expect.poll(pageInfo, WAIT).toBe('第 1 / 1 页，共 3 家');
      expect(await rowCount()).toBe(3);
      expect(new Set(await rows().locator('td:nth-child(5)').allTextContents())).toEqual(new Set(['东阳市']));

      await page.locator('#fCounty').selectOption('');
      await expect.poll(pageInfo, WAIT).toBe('第 1 / 2 页，共 25 家');
    });

    it('opens the detail dialog with the USCC when a row is clicked', async () => {
      const first = rows().first();
      const uscc = (await first.locator('td:nth-child(2)').innerText()).trim();
      expect(uscc).toMatch(/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/);
      await first.click();
      const dialog = page.locator('#detail');
      await expect.poll(() => dialog.getAttribute('open').then((a) => a !== null), WAIT).toBe(true);
      expect(await dialog.isVisible()).toBe(true);
      expect(await dialog.locator('#detailBody dl').innerText()).toContain(uscc);
      expect(await dialog.locator('#detailBody').innerText()).toContain('变更记录');
      // No certificate yet: the dialog says what that means for the enterprise's declarations.
      expect(await dialog.locator('#detailBody .keys-none').innerText()).toContain('暂缓发送');
      await dialog.locator('form button').click();
      await expect.poll(() => dialog.getAttribute('open').then((a) => a !== null), WAIT).toBe(false);
    });

    it('switches to English: tab labels and pager text change', async () => {
      await page.locator('#lang').click();
      await expect.poll(() => tab('enterprises').innerText(), WAIT).toBe('Enterprises');
      expect(await page.locator('nav button').allInnerTexts()).toEqual(['Overview', 'Clearance', 'Enterprises', 'Zone', 'Code tables']);
      expect(await page.locator('#lang').innerText()).toBe('中文');
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      await expect.poll(pageInfo, WAIT).toBe('Page 1 of 2, 25 enterprises');
      expect(await page.locator('#q').getAttribute('placeholder')).toBe('Search name, USCC, customs code');
      expect(await page.locator('#fCounty option:checked').innerText()).toBe('All counties');
      expect(await rows().first().locator('td:first-child').innerText()).toMatch(/Co\. \d+$/);
    });

    it('lists the 9 Jinhua counties and districts on the zone tab', async () => {
      await tab('zone').click();
      expect(await page.locator('#zone').isVisible()).toBe(true);
      expect(await page.locator('#enterprises').isHidden()).toBe(true);
      const divisions = page.locator('#divisions tr:has(td)');
      await expect.poll(() => divisions.count(), WAIT).toBe(9);
      const codes = await divisions.locator('td:first-child').allTextContents();
      expect(codes.sort()).toEqual(['330702', '330703', '330723', '330726', '330727', '330781', '330782', '330783', '330784']);
      expect(await page.locator('#divisions').innerText()).toContain('Yiwu');
      expect(await page.locator('#parks').innerText()).toContain('Yiwu Comprehensive Bonded Zone');
    });

    it('finds USD (502) in the currency code table', async () => {
      await tab('codes').click();
      await expect.poll(() => page.locator('#codeTable option').count(), WAIT).toBeGreaterThan(1);
      await page.locator('#codeTable').selectOption('currency');
      const all = await (await fetch(`${base}/api/v1/code-tables/currency`)).json() as { rows: { code: string }[] };
      await expect.poll(() => page.locator('#codeRows tr').count(), WAIT).toBe(all.rows.length);

      // The search is debounced: wait until the rows are the filtered ones (what the API answers).
      const found = await (await fetch(`${base}/api/v1/code-tables/currency?q=USD`)).json() as { rows: { code: string }[] };
      expect(found.rows.length).toBeLessThan(all.rows.length);
      await page.locator('#codeQ').fill('USD');
      const codes = () => page.locator('#codeRows tr td:first-child').allTextContents();
      await expect.poll(codes, WAIT).toEqual(found.rows.map((r) => r.code));
      expect(await codes()).toContain('502');
      const row502 = page.locator('#codeRows tr', { has: page.locator('td:first-child', { hasText: /^502$/ }) });
      expect(await row502.locator('td').allTextContents()).toEqual(['502', '美元', 'USD', '']);
      expect(await page.locator('#codeInfo').innerText()).toMatch(new RegExp(`^${found.rows.length} rows? · `));
    });

    it('keeps the chosen code table and its search when the language changes', async () => {
      await page.locator('#lang').click();
      await expect.poll(() => page.locator('#codeTable').inputValue(), WAIT).toBe('currency');
      await expect.poll(() => page.locator('#codeRows tr td:first-child').allTextContents(), WAIT).toContain('502');
      expect(await page.locator('#codeRows tr').count()).toBeLessThan(5);
    });

    // The clearance tab, on data filed through the API after the registry tests above (which count 25 enterprises):
    // four parties of one import parcel, a matched parcel that customs takes to 899 (closed), and a parcel whose
    // payment says 319.13 where the order paid 319.12.
    describe('clearance tab', () => {
      let parties: Parties;
      const tokens = new Map<string, string>();
      let matched: ReturnType<typeof parcel>;
      let mismatched: ReturnType<typeof parcel>;
      const clCards = () => page.locator('#clCards .card').evaluateAll((els) =>
        els.map((el) => [el.getAttribute('data-k'), el.querySelector('.n')?.textContent]));
      const parcelRows = () => page.locator('#pRows tr[data-parcel]');
      const parcelRow = (orderNo: string) => page.locator(`#pRows tr[data-order="${orderNo}"]`);
      const detail = () => page.locator('#parcelDetail');

      async function file(e: Enterprise, type: string, model: object) {
        const res = await fetch(`${base}/api/v1/messages`, {
          method: 'POST', body: writeMessage(type, model as never),
          headers: { 'content-type': 'application/xml', authorization: `Bearer ${tokens.get(e.id)}` },
        });
        expect(res.status).toBe(200);
      }
      async function fileParcel(x: ReturnType<typeof parcel>) {
        await file(parties.ebp, 'CEB311Message', x.order);
        await file(parties.payment, 'CEB411Message', x.payment);
        await file(parties.logistics, 'CEB511Message', x.waybill);
        await platform.pipeline.drain();
      }
      const apiGet = async <T,>(path: string): Promise<T> => {
        const res = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
        expect(res.status).toBe(200);
        return await res.json() as T;
      };

      beforeAll(async () => {
        const mk = (n: number, roles: string[]) => platform.registry.create(enterpriseInput(n, { roles }), 'test');
        parties = { ebp: await mk(26, ['ebp']), ebc: await mk(27, ['ebc', 'agent']), payment: await mk(28, ['payment']), logistics: await mk(29, ['logistics']) };
        for (const e of Object.values(parties)) tokens.set(e.id, (await platform.registry.issueToken(e.id, 'test', 'test')).token);
        // The declarant signs its lists (customs requires them signed).
        await provisionDemoKeys(platform.keystore, [parties.ebc], 'test');
        await platform.pipeline.putItemRecords(parties.ebc, ITEM_RECORDS);
        matched = parcel(parties);
        await fileParcel(matched);
        mismatched = parcel(parties, { payment: { amountPaid: '319.13' } });
        await fileParcel(mismatched);
      });

      it('shows the parcel and list counts, the match rate, and the closed list in the customs-order chart', async () => {
        await tab('clearance').click();
        expect(await page.locator('#clearance').isVisible()).toBe(true);
        await expect.poll(clCards, WAIT).toEqual([
          ['matched', '1'], ['mismatched', '1'], ['incomplete', '0'], ['rate', '50%'], ['done', '1'], ['customs', '0'], ['problems', '0'],
        ]);
        expect(await page.locator('#clCards .card[data-k="done"] .l').innerText()).toBe('已放行 / 结关的清单');
        // One row per stage in customs order, the closed list in the 899 row.
        const chartRows = await page.locator('#chartInv svg g').evaluateAll((els) => els.map((el) => el.getAttribute('data-key')));
        expect(chartRows).toEqual(['built', 'sent', 'declaring', 'delivered', 'stored', 'review', 'inspection', 'concluded', 'released', 'closed']);
        expect(await page.locator('#chartInv svg g[data-key="closed"] title').textContent()).toBe('结关 (899): 1');
        expect(await page.locator('#matchRateValue').innerText()).toBe('50%');
        expect(await page.locator('#docStates tr[data-type="CEB311Message"]').innerText()).toContain('海关入库 2');
        expect(await page.locator('#liveLabel').innerText()).toBe('实时');
        expect(await page.locator('#live').getAttribute('class')).toContain('on');
        expect(await page.locator('#message').innerText()).toBe('');
      });

      it('lists both parcels, latest change first, and filters them by match result', async () => {
        await expect.poll(() => parcelRows().count(), WAIT).toBe(2);
        const api = await apiGet<{ items: { orderNo: string }[] }>('/api/v1/parcels');
        expect(await parcelRows().evaluateAll((els) => els.map((el) => el.getAttribute('data-order'))))
          .toEqual(api.items.map((x) => x.orderNo));
        expect(await parcelRow(matched.orderNo).locator('td:nth-child(3)').innerText()).toBe('对碰成功');
        expect(await parcelRow(mismatched.orderNo).locator('td:nth-child(3)').innerText()).toBe('对碰不符');
        expect(await parcelRow(mismatched.orderNo).locator('td:nth-child(4)').innerText()).toBe('1');
        expect(await page.locator('#pInfo').innerText()).toBe('第 1 / 1 页，共 2 个包裹');

        await page.locator('#pState').selectOption('mismatched');
        await expect.poll(() => page.locator('#pInfo').innerText(), WAIT).toBe('第 1 / 1 页，共 1 个包裹');
        expect(await parcelRows().evaluateAll((els) => els.map((el) => el.getAttribute('data-order')))).toEqual([mismatched.orderNo]);
        await page.locator('#pState').selectOption('cancelled');
        await expect.poll(() => page.locator('#pRows').innerText(), WAIT).toBe('没有该对碰结果的包裹。');
        await page.locator('#pState').selectOption('');
        await expect.poll(() => parcelRows().count(), WAIT).toBe(2);
      });

      it('the mismatched parcel shows the amount mismatch field by field, and says no list was built', async () => {
        await parcelRow(mismatched.orderNo).click();
        const row = detail().locator('table.mismatches tbody tr');
        await expect.poll(() => row.count(), WAIT).toBe(1);
        const api = await apiGet<{ items: { orderNo: string; mismatches: { message: Record<string, string> }[] }[] }>('/api/v1/parcels?state=mismatched');
        const message = api.items.find((x) => x.orderNo === mismatched.orderNo)!.mismatches[0]!.message;
        expect(await row.locator('td').allInnerTexts()).toEqual(['支付凭证 (CEB411)', 'PaymentHead/amountPaid', '319.12', '319.13', '—', message['zh-CN']]);
        expect(message['zh-CN']).toContain('319.13');
        expect(await detail().locator('thead').first().innerText()).toMatch(/应为\s+实为/);
        expect(await detail().innerText()).toContain('三单不符，未生成申报清单');
        // No list: the order's own timeline, with its customs receipts.
        expect(await detail().locator('[data-role="order"] .timeline li').count()).toBeGreaterThan(0);
        expect(await detail().locator('a[data-kind="inventory"]').count()).toBe(0);
      });

      it("the matched parcel's list timeline runs from built to closed (结关) with every customs receipt", async () => {
        await parcelRow(matched.orderNo).click();
        const steps = detail().locator('[data-role="inventory"] .timeline li[data-subject="inventory"]');
        await expect.poll(() => steps.count(), WAIT).toBeGreaterThan(0);
        expect(await steps.evaluateAll((els) => els.map((el) => el.getAttribute('data-to'))))
          .toEqual(['built', 'sent', 'declaring', 'delivered', 'stored', 'concluded', 'released', 'closed']);
        const last = detail().locator('[data-role="inventory"] .timeline li').last();
        expect(await last.getAttribute('data-to')).toBe('closed');
        expect(await last.innerText()).toContain('放行 → 结关');
        expect(await last.innerText()).toContain('899 结关');
        expect(await detail().locator('[data-role="inventory"] [data-role="state"]').innerText()).toBe('结关');
        expect(await detail().locator('table.receipts tbody tr td:nth-child(2)').allInnerTexts()).toEqual(['2', '3', '120', '399', '800', '899']);
        expect(await detail().innerText()).toContain('三单一致，没有不符项。');
        expect(await detail().locator('a[data-kind]').evaluateAll((els) => els.map((el) => el.getAttribute('data-kind'))))
          .toEqual(['order', 'payment', 'waybill', 'inventory']);
        await page.screenshot({ path: SCREENSHOT_CLEARANCE, fullPage: true });
      });

      it('looks up the order by "code:number" and shows it matched; its list link shows the list closed', async () => {
        await page.locator('#lkKind').selectOption('order');
        await page.locator('#lkKey').fill(`${parties.ebp.customsCode}:${matched.orderNo}`);
        await page.locator('#lookupForm button[type="submit"]').click();
        const result = page.locator('#lookupResult');
        await expect.poll(() => result.locator('[data-role="match"] .badge').innerText().catch(() => ''), WAIT).toBe('对碰成功');
        expect(await result.locator('[data-role="state"]').innerText()).toBe('海关入库');
        expect(await result.locator('table.receipts tbody tr td:nth-child(2)').allInnerTexts()).toEqual(['2', '120']);

        await result.locator('[data-role="match"] a[data-kind="inventory"]').click();
        await expect.poll(() => result.locator('.status').getAttribute('data-kind').catch(() => ''), WAIT).toBe('inventory');
        expect(await result.locator('[data-role="state"]').innerText()).toBe('结关');
        expect(await page.locator('#lkKind').inputValue()).toBe('inventory');
      });

      it('switches the clearance labels and the mismatch message to English', async () => {
        await parcelRow(mismatched.orderNo).click();
        await expect.poll(() => detail().locator('table.mismatches tbody tr').count(), WAIT).toBe(1);
        await page.locator('#lang').click();
        await expect.poll(() => tab('clearance').innerText(), WAIT).toBe('Clearance');
        const row = detail().locator('table.mismatches tbody tr');
        await expect.poll(() => row.locator('td').last().innerText(), WAIT)
          .toBe("CEB411 amountPaid must equal the order's acturalPaid 319.12; found 319.13");
        expect(await row.locator('td').first().innerText()).toBe('Payment (CEB411)');
        expect(await detail().locator('table.mismatches thead').innerText()).toMatch(/Expected\s+Found/);
        expect(await page.locator('#clCards .card[data-k="matched"] .l').innerText()).toBe('Parcels matched');
        expect(await page.locator('#liveLabel').innerText()).toBe('Live');
        expect(await page.locator('#chartInv svg g[data-key="closed"] title').textContent()).toBe('Closed (899): 1');
        expect(await parcelRow(matched.orderNo).locator('td:nth-child(3)').innerText()).toBe('Matched');
        expect(await page.locator('#lookupResult [data-role="state"]').innerText()).toBe('Closed');
        await page.locator('#lang').click();
        await expect.poll(() => tab('clearance').innerText(), WAIT).toBe('通关');
        await expect.poll(() => row.locator('td').last().innerText(), WAIT).toContain('319.13');
      });

      it('the live indicator can be paused and resumed', async () => {
        await page.locator('#livePause').click();
        await expect.poll(() => page.locator('#liveLabel').innerText(), WAIT).toBe('已暂停');
        expect(await page.locator('#live').getAttribute('class')).not.toContain('on');
        expect(await page.locator('#livePause').innerText()).toBe('继续');
        await page.locator('#livePause').click();
        await expect.poll(() => page.locator('#liveLabel').innerText(), WAIT).toBe('实时');
        expect(await page.locator('#livePause').innerText()).toBe('暂停');
      });

      it('a parcel filed while the tab is open appears by itself, its list counted once customs closes it', async () => {
        await fileParcel(parcel(parties));
        await expect.poll(() => parcelRows().count(), WAIT).toBe(3);
        await expect.poll(clCards, WAIT).toEqual([
          ['matched', '2'], ['mismatched', '1'], ['incomplete', '0'], ['rate', '66.7%'], ['done', '2'], ['customs', '0'], ['problems', '0'],
        ]);
        expect(await page.locator('#chartInv svg g[data-key="closed"] title').textContent()).toBe('结关 (899): 2');
      });

      it('says clearly when there is no token, a wrong token, a token without the right, or nothing found — in both languages', async () => {
        // A fresh context: no token stored. Failed requests are expected here, so only page errors count.
        const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
        const p = await ctx.newPage();
        const errors: string[] = [];
        p.on('pageerror', (err) => errors.push(err.message));
        p.on('console', (msg) => {
          if (msg.type() === 'error' && !/status of (401|403|404)/.test(msg.text())) errors.push(msg.text());
        });
        try {
          await p.goto(base + '/');
          await expect.poll(() => p.locator('#zoneName').innerText(), WAIT).toContain('金华');
          await p.locator('nav button[data-tab="clearance"]').click();
          await expect.poll(() => p.locator('#message .msg.info').innerText(), WAIT).toContain('请输入运营令牌（或企业令牌）以查看通关数据');
          expect(await p.locator('#clCards .card').count()).toBe(0);
          expect(await p.locator('#liveLabel').innerText()).toBe('未刷新');
          await p.locator('#lkKey').fill('x:y');
          await p.locator('#lookupForm button[type="submit"]').click();
          await expect.poll(() => p.locator('#lookupResult .msg.info').innerText(), WAIT).toContain('请输入运营令牌');

          await p.locator('#token').fill('sg_not_a_token');
          await p.locator('#token').press('Enter');
          await expect.poll(() => p.locator('#message .msg.error').innerText(), WAIT).toContain('令牌无效或已失效（401）');
          expect(await p.locator('#clCards .card').count()).toBe(0);
          expect(await p.locator('#liveLabel').innerText()).toBe('未刷新');

          // An enterprise token sees its clearance data but not the registry overview.
          await p.locator('#token').fill(tokens.get(parties.ebp.id)!);
          await p.locator('#token').press('Enter');
          await expect.poll(() => p.locator('#clCards .card').count(), WAIT).toBe(7);
          expect(await p.locator('#message').innerText()).toBe('');
          await p.locator('nav button[data-tab="overview"]').click();
          await expect.poll(() => p.locator('#message .msg.error').innerText(), WAIT).toContain('此令牌无权查看（403）');

          await p.locator('nav button[data-tab="clearance"]').click();
          await p.locator('#lkKind').selectOption('order');
          await p.locator('#lkKey').fill('3318999999:SO-NOT-FILED');
          await p.locator('#lookupForm button[type="submit"]').click();
          await expect.poll(() => p.locator('#lookupResult .msg.error').innerText(), WAIT).toContain('未找到（404）');
          await p.locator('#lang').click();
          await expect.poll(() => p.locator('#lookupResult .msg.error').innerText(), WAIT).toContain('Not found (404): No document order');
          expect(await p.locator('#lookupResult').innerText()).toContain('customs code:number');
          expect(errors).toEqual([]);
        } finally {
          await ctx.close();
        }
      });
    });

    it('logged no console errors and no page errors along the way', () => {
      expect(problems).toEqual([]);
    });
  },
);
