// The consolidation's fast paths on the embedded SQLite, for months of millions of lists: the same
// results as the generic path (rules.ts' consolidate, repository.ts' groupLists and writeMessage
// over the whole model), byte for byte, with the per-row work moved out of JavaScript.
//  * The line pre-aggregates are read as rows of two key strings (built by SQLite, exactly
//    headKeyOf/lineKeyOf's) and plain numbers, summed as numbers while every value and every
//    partial sum is a safe integer (exact in a double); anything else hands the build back to the
//    generic path (bigint), which refuses what is not an exact integer.
//  * A CEB701's SummaryApplyList elements are concatenated by SQLite (group_concat in the list
//    order, escaped as escapeText does); the rest of the message is writeMessage's own output.
import type BetterSqlite3 from 'better-sqlite3';
import type { Store } from '../db/store.js';
import type { Period } from './repository.js';
import type { GroupingFlags, HeadKeys } from './rules.js';
import type { SummaryItemTable } from './table.js';

const SEP = '\u0001';
const MAX = Number.MAX_SAFE_INTEGER;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The better-sqlite3 handle under a SQLite store, or undefined (PostgreSQL, or a store that does
 * not give it): then the generic path runs. The Store names no raw handle yet; its SQLite bulk
 * writer holds the one Kysely uses (`raw`), and a future `store.sqlite` is taken first.
 * Use it only while holding Kysely's connection (inside a transaction, or db.connection()).
 */
export function sqliteHandle(store: Store): BetterSqlite3.Database | undefined {
  if (store.dialect !== 'sqlite') return undefined;
  const h = store.sqlite;
  return h && typeof h.prepare === 'function' && typeof h.transaction === 'function' && h.open ? h : undefined;
}

/** A declaration line with its sums as safe integers of 10^-5 units. */
export interface FastLine {
  readonly gseqno: number;
  readonly country: string;
  readonly gcode: string;
  readonly currency: string;
  readonly gname: string;
  readonly unit: string;
  readonly unit1: string;
  readonly unit2: string;
  readonly lines: number;
  readonly qty: number;
  readonly qty1: number;
  readonly qty2: number;
  readonly totalPrice: number;
}

export interface FastGroup extends HeadKeys {
  readonly groupNo: number;
  readonly items: readonly FastLine[];
}

interface Acc {
  /** The head key (one string per head: interned). */
  readonly hk: string;
  lines: number;
  qty: number;
  qty1: number;
  qty2: number;
  price: number;
  /** The first name seen and its lines; the others only once a second name turns up. */
  name: string;
  nameLines: number;
  names: Map<string, number> | undefined;
}

const statements = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();
function prepare(db: BetterSqlite3.Database, text: string): BetterSqlite3.Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let st = cache.get(text);
  if (!st) cache.set(text, (st = db.prepare(text)));
  return st;
}

/**
 * consolidate() over the period's line pre-aggregates of `batches`, read on SQLite. Undefined when
 * a stored value or a sum leaves the safe-integer range (or a key holds a character below U+0003):
 * the caller then takes the generic, bigint path, which gives the same result or refuses the value.
 */
export function consolidateSqlite(db: BetterSqlite3.Database, p: Period, batches: readonly number[], flags: GroupingFlags): FastGroup[] | undefined {
  if (!batches.length) return [];
  const owner = flags.summaryFlag === '2' ? 'owner_code' : `''`;
  const gname = flags.itemNameFlag ? `''` : 'gname';
  const keyName = flags.itemNameFlag ? 'gname' : `''`;
  // headKeyOf's string, char(2), lineKeyOf's: one string and one map look-up per row. With no
  // character below U+0003 in the fields, these keys sort as (head key, line key) pairs do.
  const st = prepare(db, `SELECT loct_no || char(1) || ${owner} || char(1) || traf_mode || char(1) || head_country || char(1) || port_code || char(2) ||
      line_country || char(1) || gcode || char(1) || currency || char(1) || ${keyName} || char(1) || unit || char(1) || unit1 || char(1) || unit2,
      ${gname}, lines, qty, qty1, qty2, total_price
    FROM summary_line_totals WHERE ebc_code = ? AND close_month = ? AND customs_code = ? AND batch IN (${batches.map(() => '?').join(', ')})`).raw(true);
  const accs = new Map<string, Acc>();
  const headKeys = new Map<string, string>();
  const safe = (v: unknown): v is number => Number.isSafeInteger(v);
  for (const r of st.iterate(p.ebcCode, p.month, p.customsCode, ...batches) as IterableIterator<unknown[]>) {
    const k = r[0] as string;
    const name = r[1] as string;
    const lines = r[2], qty = r[3], qty1 = r[4], qty2 = r[5], price = r[6];
    if (!safe(lines) || !safe(qty) || !safe(qty1) || !safe(qty2) || !safe(price)) return undefined;
    let a = accs.get(k);
    if (!a) {
      const cut = k.indexOf('\u0002');
      if (cut < 0 || k.indexOf('\u0002', cut + 1) >= 0 || k.indexOf('\u0000') >= 0) return undefined;
      let hk = k.slice(0, cut);
      const known = headKeys.get(hk);
      if (known === undefined) headKeys.set(hk, hk);
      else hk = known;
      a = { hk, lines: 0, qty: 0, qty1: 0, qty2: 0, price: 0, name, nameLines: 0, names: undefined };
      accs.set(k, a);
    }
    const l = a.lines + lines, q = a.qty + qty, q1 = a.qty1 + qty1, q2 = a.qty2 + qty2, pr = a.price + price;
    if (l > MAX || q > MAX || q1 > MAX || q2 > MAX || pr > MAX || l < -MAX || q < -MAX || q1 < -MAX || q2 < -MAX || pr < -MAX) return undefined;
    a.lines = l; a.qty = q; a.qty1 = q1; a.qty2 = q2; a.price = pr;
    if (a.names) a.names.set(name, (a.names.get(name) ?? 0) + lines);
    else if (name === a.name) a.nameLines += lines;
    else a.names = new Map([[a.name, a.nameLines], [name, lines]]);
  }
  // The default sort compares UTF-16 code units, as cmp does.
  const keys = [...accs.keys()].sort();
  const out: FastGroup[] = [];
  let items: FastLine[] = [];
  let head: string | undefined;
  const close = () => {
    if (head === undefined) return true;
    const h = head.split(SEP);
    if (h.length !== 5) return false;
    out.push({ loctNo: h[0]!, ownerCode: h[1]!, trafMode: h[2]!, headCountry: h[3]!, portCode: h[4]!, groupNo: out.length + 1, items });
    return true;
  };
  for (const k of keys) {
    const a = accs.get(k)!;
    if (a.hk !== head) {
      if (!close()) return undefined;
      head = a.hk;
      items = [];
    }
    const f = k.slice(a.hk.length + 1).split(SEP);
    if (f.length !== 7) return undefined;
    items.push({
      gseqno: items.length + 1, country: f[0]!, gcode: f[1]!, currency: f[2]!, gname: flags.itemNameFlag ? f[3]! : chosenName(a),
      unit: f[4]!, unit1: f[5]!, unit2: f[6]!, lines: a.lines, qty: a.qty, qty1: a.qty1, qty2: a.qty2, totalPrice: a.price,
    });
  }
  if (!close()) return undefined;
  return out;
}

/** consolidate's choice: the name with the most lines, the first in order among equals. */
function chosenName(a: Acc): string {
  if (!a.names) return a.name;
  let best = '', most = -Infinity;
  for (const [name, lines] of a.names) if (lines > most || (lines === most && cmp(name, best) < 0)) { best = name; most = lines; }
  return best;
}

/** fromScaled for a safe integer: the shortest exact decimal text of v × 10^-5. */
export function fromScaledNumber(v: number): string {
  const neg = v < 0;
  const a = neg ? -v : v;
  const frac = a % 100_000;
  const int = String((a - frac) / 100_000);
  if (frac === 0) return neg ? `-${int}` : int;
  const digits = String(frac).padStart(5, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${int}.${digits}`;
}

/** The header group of one SummaryApply, as groupLists reads it. */
export interface ListScope extends Period {
  readonly batches: readonly number[];
  readonly summaryFlag: string;
  readonly loctNo: string;
  readonly ownerCode: string;
  readonly trafMode: string;
  readonly headCountry: string;
  readonly portCode: string;
}

/**
 * One page of a header group's lists, in groupLists' order and paging (keyset after `after`, at
 * most `limit`), as the UTF-8 bytes of XML: each invtNo, escaped as escapeText does, between
 * `open` and `close`.
 * Gives the page's count and last key (to continue from).
 */
export function listPageXml(db: BetterSqlite3.Database, g: ListScope, limit: number, after: readonly [string, string] | undefined, open: string, close: string): { xml: Buffer; count: number; last: readonly [string, string] | undefined } {
  // The literal terms let SQLite prove the partial index, as in groupLists.
  const where = `list_head = 1 AND statistics_flag = 'B' AND ebc_code = ? AND close_month = ? AND customs_code = ? AND ${g.loctNo ? 'loct_no = ?' : 'loct_no IS NULL'}
    AND traf_mode = ? AND head_country = ? AND port_code = ? AND batch IN (${g.batches.map(() => '?').join(', ')})${g.summaryFlag === '2' ? ' AND owner_code = ?' : ''}`;
  const args: unknown[] = [g.ebcCode, g.month, g.customsCode, ...(g.loctNo ? [g.loctNo] : []), g.trafMode, g.headCountry, g.portCode, ...g.batches, ...(g.summaryFlag === '2' ? [g.ownerCode] : [])];
  const from = after ? ' AND (owner_code, invt_no) > (?, ?)' : '';
  const fromArgs = after ? [after[0], after[1]] : [];
  // The page's last key first (an index walk), then the page itself as one string.
  const end = prepare(db, `SELECT owner_code, invt_no FROM summary_lines WHERE ${where}${from} ORDER BY owner_code, invt_no LIMIT 1 OFFSET ?`).raw(true)
    .get(...args, ...fromArgs, limit - 1) as [string, string] | undefined;
  const upTo = end ? ' AND (owner_code, invt_no) <= (?, ?)' : '';
  const upToArgs = end ?? [];
  const escaped = `replace(replace(replace(replace(invt_no, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), char(13), '&#13;')`;
  const [count, xml] = pageStatement(db, `FROM summary_lines WHERE ${where}${from}${upTo}`, escaped).get(open, close, ...args, ...fromArgs, ...upToArgs) as [number, Buffer | null];
  // A short page is the group's last; its last key is still given, as groupLists' paging would.
  const last = end ?? (count > 0
    ? prepare(db, `SELECT owner_code, invt_no FROM summary_lines WHERE ${where}${from} ORDER BY owner_code DESC, invt_no DESC LIMIT 1`).raw(true).get(...args, ...fromArgs) as [string, string]
    : undefined);
  return { xml: xml ?? Buffer.alloc(0), count, last };
}

const pages = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();
/**
 * The statement concatenating a page's list elements. group_concat adds the rows in the order the
 * scan gives them; when SQLite's plan walks summary_lines_lists_idx, whose order is the lists' order
 * (owner, invtNo), with no sort of its own, that is the order needed and the aggregate's own ORDER BY
 * (a sort of every page) is left out. With any other plan it stays in.
 */
function pageStatement(db: BetterSqlite3.Database, body: string, item: string): BetterSqlite3.Statement {
  let cache = pages.get(db);
  if (!cache) pages.set(db, (cache = new Map()));
  let st = cache.get(body);
  if (!st) {
    // As a blob: SQLite's UTF-8 bytes as they are, no JavaScript string made and encoded again.
    const unordered = `SELECT count(*), CAST(group_concat(? || ${item} || ?, '') AS BLOB) ${body}`;
    // The plan does not depend on the values bound (the partial index is proved by literal terms).
    const params = new Array<null>(unordered.split('?').length - 1).fill(null);
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${unordered}`).all(...params) as { detail: string }[]).map((r) => r.detail);
    const indexOrder = plan.length === 1 && /^SEARCH summary_lines USING COVERING INDEX summary_lines_lists_idx \(/.test(plan[0]!);
    st = db.prepare(indexOrder ? unordered : `SELECT count(*), CAST(group_concat(? || ${item} || ?, '' ORDER BY owner_code, invt_no) AS BLOB) ${body}`).raw(true);
    cache.set(body, st);
  }
  return st;
}

/** The declaration lines into summary_items inside the caller's transaction (SQLite's bulk path). */
export function insertItemsSqlite(db: BetterSqlite3.Database, items: readonly SummaryItemTable[]): void {
  const st = prepare(db, `INSERT INTO summary_items (summary_id, group_no, gseqno, line_country, gcode, currency, gname, unit, qty, unit1, qty1, unit2, qty2, total_price, lines)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  for (const i of items) st.run(i.summary_id, i.group_no, i.gseqno, i.line_country, i.gcode, i.currency, i.gname, i.unit, i.qty, i.unit1, i.qty1, i.unit2, i.qty2, i.total_price, i.lines);
}
