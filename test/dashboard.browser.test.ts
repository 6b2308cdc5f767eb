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
import { enterpriseInput, usccFor } from './support/fixtures.js';

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
      platform = await createPlatform(loadConfig({ db: 'sqlite::memory:' }, {}));
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
      await dialog.locator('form button').click();
      await expect.poll(() => dialog.getAttribute('open').then((a) => a !== null), WAIT).toBe(false);
    });

    it('switches to English: tab labels and pager text change', async () => {
      await page.locator('#lang').click();
      await expect.poll(() => tab('enterprises').innerText(), WAIT).toBe('Enterprises');
      expect(await page.locator('nav button').allInnerTexts()).toEqual(['Overview', 'Enterprises', 'Zone', 'Code tables']);
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

    it('logged no console errors and no page errors along the way', () => {
      expect(problems).toEqual([]);
    });
  },
);
