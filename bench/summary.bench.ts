// The monthly consolidation (清单核放、汇总申报) of one enterprise's month on the embedded SQLite:
// BENCH_SUMMARY_LISTS export lists (default 10,000,000) of 3 lines each, a realistic spread (5
// 生产销售单位, 30 destinations, 300 HS codes with two names each, 3 currencies, 2 ports, air and
// road). The rows are generated straight into a temporary database file, with the pre-aggregates
// recordClosedLists would have kept (their upkeep is measured separately, per list, below).
//
// Measured: buildSummary (pre-aggregates → header groups and declaration lines, stored) plus every
// CEB701 message rendered (messageXml: on SQLite the list elements straight from the database,
// the rest by writeMessage, byte for byte writeMessage's text) and streamed to a file — everything
// needed for the preview and the messages. Checked untimed: the summary read back equals the one
// built, and the XML names every list once. Baseline, same run, same rows: one plain SQL GROUP BY of the lines by
// the same keys (which yields the declaration lines' sums but no list of invtNos and no XML). The
// two sets of sums are compared line by line; a difference fails the bench.
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openStore } from '../src/db/store.js';
import { Rng } from '../src/kernel/random.js';
import { createSummaries } from '../src/summary/service.js';
import { recordClosedLists } from '../src/summary/record.js';
import { seedCalendar } from '../src/summary/calendar.js';
import { exportList } from '../src/summary/fixtures.js';
import type { Figure } from './stats.js';

const LISTS = Number(process.env.BENCH_SUMMARY_LISTS ?? 10_000_000);
const UPKEEP_LISTS = Number(process.env.BENCH_SUMMARY_UPKEEP ?? 2000);
const EBC = '3318960001';
const MONTH = '2026-10';
const CUSTOMS = '2900';

const OWNERS = ['3318960001', '3318960101', '3318960102', '3318960103', '3318960104'];
// 3-digit customs country codes and the currency a buyer there pays in (502 USD, 300 EUR, 303 GBP).
const COUNTRIES = Array.from({ length: 30 }, (_, i) => String(301 + i));
const CURRENCY = (country: string) => (['303'].includes(country) ? '303' : Number(country) % 3 === 0 ? '502' : '300');
const HS = Array.from({ length: 300 }, (_, i) => String(6101000000 + i * 30011).slice(0, 10));
const NAMES = HS.map((_, i) => [`商品${i}`, `商品${i}（礼盒）`] as const);

const decimal = (units: number, scale: number) => {
  const s = String(units).padStart(scale + 1, '0');
  return scale ? `${s.slice(0, -scale)}.${s.slice(-scale)}` : s;
};

/** The month's rows straight into the file, with the pre-aggregates; returns seconds spent. */
export function generate(file: string): number {
  const t0 = performance.now();
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  // Building the list index once afterwards is far cheaper than keeping it up row by row.
  const indexSql = (db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'summary_lines_lists_idx'`).get() as { sql: string }).sql;
  db.exec('DROP INDEX summary_lines_lists_idx');
  const cols = ['invt_no', 'gnum', 'ebc_code', 'close_month', 'closed_at', 'logistics_no', 'statistics_flag', 'trade_mode', 'customs_code', 'loct_no', 'owner_code', 'traf_mode',
    'head_country', 'port_code', 'line_country', 'gcode', 'currency', 'gname', 'unit', 'qty', 'unit1', 'qty1', 'unit2', 'qty2', 'total_price', 'gross_weight', 'net_weight', 'batch', 'list_head'];
  const insert = db.prepare(`INSERT INTO summary_lines (${cols.join(',')}) VALUES (${cols.map(() => '?').join(',')})`);
  const rng = new Rng(20261127);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng.float() * xs.length)]!;
  const heads = new Map<string, number[]>();
  const lines = new Map<string, number[]>();
  const start = Date.parse('2026-09-30T16:00:00Z'); // 1 October 00:00 in Beijing
  const span = 31 * 86_400_000 - 1000;
  const BLOCK = 50_000;
  for (let from = 0; from < LISTS; from += BLOCK) {
    db.transaction(() => {
      for (let i = from; i < Math.min(LISTS, from + BLOCK); i++) {
        const invtNo = `29002026E${String(i + 1).padStart(9, '0')}`;
        const owner = pick(OWNERS), traf = rng.float() < 0.8 ? '5' : '4', country = pick(COUNTRIES), port = rng.float() < 0.7 ? '2900' : '2901';
        const closedAt = new Date(start + Math.floor((i / LISTS) * span)).toISOString();
        const gross = 100 + Math.floor(rng.float() * 5000), net = gross - 50;
        const hk = `${owner}|${traf}|${country}|${port}`;
        const h = heads.get(hk) ?? [0, 0, 0, 0];
        heads.set(hk, h);
        h[0]! += 1; h[1]! += 3; h[2]! += gross * 100; h[3]! += net * 100;
        for (let g = 1; g <= 3; g++) {
          const hs = Math.floor(rng.float() * HS.length);
          const lineCountry = rng.float() < 0.95 ? country : pick(COUNTRIES);
          const gname = NAMES[hs]![rng.float() < 0.9 ? 0 : 1];
          const qty = 1 + Math.floor(rng.float() * 20), qty1 = 1 + Math.floor(rng.float() * 99_999), price = 100 + Math.floor(rng.float() * 99_900);
          // qty integral, qty1 in kg with 3 decimals, totalPrice with 2: stored as 10^-5 units.
          insert.run(invtNo, g, EBC, MONTH, closedAt, `LP${invtNo}`, 'B', '9610', CUSTOMS, null, owner, traf, country, port, lineCountry, HS[hs], CURRENCY(lineCountry), gname,
            '011', qty * 100_000, '035', qty1 * 100, null, null, price * 1000, gross * 100, net * 100, 0, g === 1 ? 1 : 0);
          const lk = `${hk}|${lineCountry}|${HS[hs]}|${gname}`;
          const l = lines.get(lk) ?? [0, 0, 0, 0];
          lines.set(lk, l);
          l[0]! += 1; l[1]! += qty * 100_000; l[2]! += qty1 * 100; l[3]! += price * 1000;
        }
      }
    })();
  }
  db.exec(indexSql);
  const ph = db.prepare('INSERT INTO summary_head_totals VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)');
  const pl = db.prepare('INSERT INTO summary_line_totals VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)');
  db.transaction(() => {
    db.prepare('INSERT INTO summary_periods VALUES (?,?,?,?,?)').run(EBC, MONTH, CUSTOMS, 0, new Date().toISOString());
    for (const [k, v] of heads) {
      const [owner, traf, country, port] = k.split('|');
      ph.run(EBC, MONTH, CUSTOMS, 0, '', owner, traf, country, port, ...v);
    }
    for (const [k, v] of lines) {
      const [owner, traf, country, port, lineCountry, gcode, gname] = k.split('|');
      pl.run(EBC, MONTH, CUSTOMS, 0, '', owner, traf, country, port, lineCountry, gcode, CURRENCY(lineCountry!), gname, '011', '035', '', v[0], v[1], v[2], 0, v[3]);
    }
  })();
  db.pragma('journal_mode = WAL');
  db.exec('ANALYZE');
  db.close();
  return (performance.now() - t0) / 1000;
}

/** The plain GROUP BY of the lines by the summaryFlag 1 keys: the baseline. */
export function groupBy(file: string): { seconds: number; sums: Map<string, string> } {
  const db = new BetterSqlite3(file, { readonly: true });
  const t0 = performance.now();
  const rows = db.prepare(`SELECT coalesce(loct_no, '') AS loct, traf_mode, head_country, port_code, line_country, gcode, currency, unit, unit1, coalesce(unit2, '') AS unit2,
      count(*) AS n, sum(qty) AS qty, sum(qty1) AS qty1, sum(coalesce(qty2, 0)) AS qty2, sum(total_price) AS price
    FROM summary_lines WHERE ebc_code = ? AND close_month = ? AND customs_code = ? AND statistics_flag = 'B'
    GROUP BY loct, traf_mode, head_country, port_code, line_country, gcode, currency, unit, unit1, unit2`).safeIntegers(true).all(EBC, MONTH, CUSTOMS) as Record<string, string | bigint>[];
  const seconds = (performance.now() - t0) / 1000;
  db.close();
  const sums = new Map(rows.map((r) => [[r.loct, r.traf_mode, r.head_country, r.port_code, r.line_country, r.gcode, r.currency, r.unit, r.unit1, r.unit2].join('|'),
    [r.n, r.qty, r.qty1, r.qty2, r.price].map(String).join('|')]));
  return { seconds, sums };
}

/** Occurrences of an ASCII `needle` in a file, read in chunks. */
async function countIn(file: string, needle: string): Promise<number> {
  const pattern = Buffer.from(needle);
  let n = 0;
  let tail: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 22 })) {
    const buf = tail.length ? Buffer.concat([tail, chunk as Buffer]) : (chunk as Buffer);
    let at = buf.indexOf(pattern);
    while (at >= 0) { n++; at = buf.indexOf(pattern, at + pattern.length); }
    tail = buf.subarray(Math.max(0, buf.length - pattern.length + 1));
  }
  return n;
}

/** The upkeep: recordClosedLists per list (one transaction each, as the pipeline closes lists) against plain inserts of the same lines. */
async function upkeep(file: string): Promise<{ record: number; plain: number }> {
  const store = await openStore({ kind: 'sqlite', file });
  const list = (i: number, prefix: string) => {
    const invtNo = `2900${prefix}${String(i).padStart(9, '0')}`;
    return exportList({ invtNo, ebcCode: EBC, ownerCode: OWNERS[i % 5], country: COUNTRIES[i % 30], lines: [1, 2, 3].map((g) => ({ gcode: HS[(i * 7 + g) % 300]!, gname: NAMES[(i * 7 + g) % 300]![0], qty: '2', qty1: '1.234', totalPrice: '19.90' })) });
  };
  const closedAt = new Date('2026-11-10T02:00:00Z');
  const t0 = performance.now();
  for (let i = 0; i < UPKEEP_LISTS; i++) {
    const body = list(i, '2026R');
    await store.db.transaction().execute((trx) => recordClosedLists(trx, [{ invtNo: body.InventoryHead.invtNo!, closedAt, body }]));
  }
  const record = ((performance.now() - t0) * 1000) / UPKEEP_LISTS;
  const { lineRows } = await import('../src/summary/record.js');
  const t1 = performance.now();
  for (let i = 0; i < UPKEEP_LISTS; i++) {
    const body = list(i, '2026P');
    await store.db.transaction().execute((trx) => trx.insertInto('summary_lines').values(lineRows({ invtNo: body.InventoryHead.invtNo!, closedAt, body })).execute());
  }
  const plain = ((performance.now() - t1) * 1000) / UPKEEP_LISTS;
  await store.close();
  return { record, plain };
}

export async function summaryBench(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'silkgate-bench-summary-'));
  const file = join(dir, 'summary.db');
  try {
    (await openStore({ kind: 'sqlite', file })).close(); // the project's schema, migrated
    const setup = generate(file);
    const base = groupBy(file);

    const store = await openStore({ kind: 'sqlite', file });
    const summaries = createSummaries({ store, calendar: seedCalendar(), now: () => new Date('2026-11-05T02:00:00Z') });
    const out = join(dir, 'ceb701.xml');
    const t0 = performance.now();
    const built = await summaries.build({ ebcCode: EBC, ebcName: '义乌出口电商（基准）', month: MONTH, customsCode: CUSTOMS, summaryFlag: '1', itemNameFlag: false, mode: 'declaration' }, 'bench');
    const tBuilt = performance.now();
    // Every message, one after the other, into one file (a real sender writes one file per message).
    const sink = createWriteStream(out);
    let messages = 0;
    for await (const m of summaries.messageXml(built.id)) {
      for (const c of m.chunks) if (!sink.write(c)) await once(sink, 'drain');
      messages++;
    }
    sink.end();
    await once(sink, 'finish');
    const seconds = (performance.now() - t0) / 1000;
    const buildSeconds = (tBuilt - t0) / 1000;
    // Checked untimed: what was stored (read back), and every list once in the XML.
    const stored = await summaries.get(built.id);
    await store.close();
    if (JSON.stringify(stored) !== JSON.stringify(built)) throw new Error('bench: the summary read back differs from the one build returned');
    const listed = await countIn(out, '<ceb:invtNo>');
    if (listed !== LISTS) throw new Error(`bench: the CEB701 messages list ${listed} lists, not ${LISTS}`);

    // Honesty: the same sums by both roads, line for line.
    const mine = new Map(stored.groups.flatMap((g) => g.items.map((i) => [[g.head.loctNo ?? '', g.head.trafMode, g.head.country, g.head.portCode, i.country, i.gcode, i.currency, i.unit, i.unit1, i.unit2 ?? ''].join('|'),
      [i.lines, ...[i.qty, i.qty1, i.qty2 ?? '0', i.totalPrice].map((v) => { const [a, b = ''] = v.split('.'); return String(BigInt(a!) * 100_000n + BigInt((b + '00000').slice(0, 5))); })].join('|')] as const)));
    if (mine.size !== base.sums.size || [...mine].some(([k, v]) => base.sums.get(k) !== v)) throw new Error(`bench: the summary's sums differ from the GROUP BY's (${mine.size} vs ${base.sums.size} lines)`);
    if (built.counts.lists !== LISTS || built.counts.lines !== LISTS * 3) throw new Error(`bench: the summary took ${built.counts.lists} lists, not ${LISTS}`);
    const mb = statSync(out).size / 1e6;
    const up = await upkeep(file);
    const label = `${LISTS.toLocaleString('en-US')} lists × 3 lines, one enterprise and month, summaryFlag 1 → ${built.counts.groups} 报关单, ${built.counts.items} lines; embedded SQLite; data generated in ${setup.toFixed(0)} s; one run`;
    return [
      { name: `summary.consolidate (${label}): preview + ${messages} CEB701 messages (${mb.toFixed(0)} MB XML) streamed to a file`, unit: 's', value: seconds, baselineName: 'plain SQL GROUP BY of the same lines (sums only, no invtNo lists, no XML)', baseline: base.seconds, target: '≤ 60 s for 10,000,000 lists', higherIsBetter: false },
      { name: 'summary.consolidate preview only (pre-aggregates → groups and lines, stored)', unit: 's', value: buildSeconds, baselineName: 'plain SQL GROUP BY', baseline: base.seconds, higherIsBetter: false },
      { name: `summary.record upkeep (recordClosedLists, 3 lines + period + pre-aggregates, one list per transaction, ${UPKEEP_LISTS} lists into the ${LISTS.toLocaleString('en-US')}-list file)`, unit: 'µs/list', value: up.record, baselineName: 'the same lines by a plain INSERT, one list per transaction', baseline: up.plain, higherIsBetter: false },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run directly: node dist/bench/summary.bench.js
if (process.argv[1] && /summary\.bench\.[jt]s$/.test(process.argv[1])) {
  const { line } = await import('./stats.js');
  for (const f of await summaryBench()) console.log(line(f));
}
