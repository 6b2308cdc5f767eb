// Export modes on the list route (cbec-rules.md §1.4–1.5, §9 D1): the order type names the mode
// (E → 9610 or 1210/1239 特殊区域出口, B → 9710, W → 9810 订仓单); a 9710/9810 shipment goes by list
// only when it is worth at most 5,000 RMB and involves no licence, inspection or export duty —
// otherwise by customs declaration (报关单, with the order or booking note attached as 随附单据
// 10000004); simplified declaration (statisticsFlag A) is for goods with no licence, duty or
// refund and, for 9610, a shipment within 5,000 RMB. Values are converted at the month's rate.
import { readFileSync } from 'node:fs';
import { parseCsv } from '../../kernel/csv.js';
import type { FxTable } from '../../kernel/fx.js';
import { projectPath } from '../../kernel/paths.js';
import type { Inventory, Order } from '../../ceb/model/export-202205.js';
import { mismatch, type Mismatch } from './mismatch.js';

/** Above this a 9710/9810 shipment (and a 9610 simplified one) needs a customs declaration. */
export const LIST_ROUTE_LIMIT_FEN = 500_000;

export const MODE_OF_ORDER_TYPE: Readonly<Record<string, readonly string[]>> = { E: ['9610', '1210', '1239'], B: ['9710'], W: ['9810'] };

export interface ExportControl {
  readonly hs: string;
  readonly licence: boolean;
  readonly inspection: boolean;
  readonly duty: boolean;
  readonly note: string;
}

export interface ExportControls {
  /** The controls on a 10-digit code (longest prefix), or undefined when none apply. */
  of(gcode: string): ExportControl | undefined;
}

export function parseExportControls(csv: string): ExportControl[] {
  const problems: string[] = [];
  const out = parseCsv(csv).map((r, i) => {
    const flag = (k: string) => {
      const v = r[k] ?? '';
      if (v !== '0' && v !== '1') problems.push(`line ${i + 2}: ${k} must be 0 or 1, got "${v}"`);
      return v === '1';
    };
    const hs = r.hs ?? '';
    if (!/^\d{2,10}$/.test(hs)) problems.push(`line ${i + 2}: hs must be 2–10 digits, got "${hs}"`);
    return { hs, licence: flag('licence'), inspection: flag('inspection'), duty: flag('duty'), note: r.note ?? '' };
  });
  if (problems.length) throw new Error(`export controls: ${problems.slice(0, 5).join('; ')}`);
  return out;
}

export function exportControls(entries: readonly ExportControl[]): ExportControls {
  const by = new Map(entries.map((e) => [e.hs, e]));
  return {
    of(gcode) {
      for (let n = Math.min(10, gcode.length); n >= 2; n--) {
        const hit = by.get(gcode.slice(0, n));
        if (hit) return hit;
      }
      return undefined;
    },
  };
}

export function loadExportControls(file?: string): ExportControls {
  return exportControls(parseExportControls(readFileSync(file ?? projectPath('src/clearance/data/export-controls.csv'), 'utf8')));
}

/**
 * How many digits of the HS code a simplified declaration (statisticsFlag A) must give, per mode and
 * optionally per declaring customs — cbec-rules.md §9 D1: the CEB603 annotation and the Jying table
 * give 4 for 9610 and 6 for 9710/9810; Chongqing's interpretation gives 6 for lists at 综试区 customs.
 * Written "9610:4,9710:6,9810:6" with overrides "2900/9610:6" (SILKGATE_SIMPLIFIED_HS_DIGITS).
 */
export type SimplifiedDigits = ReadonlyMap<string, number>;
export const DEFAULT_SIMPLIFIED_DIGITS = '9610:4,9710:6,9810:6';

export function parseSimplifiedDigits(text: string): SimplifiedDigits {
  const out = new Map<string, number>();
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(?:(\d{4})\/)?(\d{4}):(2|4|6|8|10)$/.exec(part);
    if (!m) throw new Error(`simplified HS digits: "${part}" is not MODE:DIGITS or CUSTOMS/MODE:DIGITS (digits 2, 4, 6, 8 or 10)`);
    out.set(m[1] ? `${m[1]}/${m[2]}` : m[2]!, Number(m[3]));
  }
  return out;
}

/** Digits a code gives: up to its last non-zero digit, rounded up to the HS levels (2, 4, 6, 8, 10). */
export function hsDigitsGiven(gcode: string): number {
  const sig = gcode.replace(/0+$/, '').length;
  return Math.min(10, Math.ceil(sig / 2) * 2);
}

export interface ModeContext {
  readonly fx: FxTable;
  readonly controls: ExportControls;
  readonly simplifiedDigits?: SimplifiedDigits;
}

const L = 'CEB603Message';

/** The mode rules for one export list against its order. */
export function checkExportMode(order: Order, inventory: Inventory, ctx: ModeContext): Mismatch[] {
  const out: Mismatch[] = [];
  const oh = order.OrderHead;
  const ih = inventory.InventoryHead;
  const mode = ih.tradeMode;
  const allowed = MODE_OF_ORDER_TYPE[oh.orderType] ?? [];
  if (!allowed.includes(mode)) out.push(mismatch('MODE_ORDER_TYPE', 'trade_mode', null, L, 'InventoryHead/tradeMode', allowed.join('/') || '—', `${mode} (orderType ${oh.orderType})`));
  const controlled = inventory.InventoryList.map((l) => ({ l, c: ctx.controls.of(l.gcode) })).filter((x) => x.c && (x.c.licence || x.c.inspection || x.c.duty));
  const what = (c: ExportControl) => [c.licence ? 'licence' : '', c.inspection ? 'inspection' : '', c.duty ? 'duty' : ''].filter(Boolean).join('+');
  // The value in RMB at the month's rate (of the export date, else of the filing).
  const month = `${(ih.ieDate || ih.appTime).slice(0, 4)}-${(ih.ieDate || ih.appTime).slice(4, 6)}`;
  let fen = 0;
  let unrated = '';
  for (const l of inventory.InventoryList) {
    const f = ctx.fx.toFen(l.totalPrice, l.currency, month);
    if (f === undefined) unrated ||= l.currency;
    else fen += f;
  }
  const shown = (f: number) => (f / 100).toFixed(2);
  const b2b = mode === '9710' || mode === '9810';
  if (b2b || ih.statisticsFlag === 'A') {
    if (unrated) out.push(mismatch('MODE_NO_RATE', 'fx_rate', null, L, 'InventoryList/currency', `a ${month} rate for ${unrated}`, unrated));
    else if (fen > LIST_ROUTE_LIMIT_FEN) {
      out.push(mismatch(b2b ? 'MODE_DECLARATION_ROUTE' : 'MODE_SIMPLIFIED', b2b ? 'route' : 'simplified', null, L, 'InventoryList/totalPrice', `≤ ${shown(LIST_ROUTE_LIMIT_FEN)} CNY`, `${shown(fen)} CNY`));
    }
  }
  if (ih.statisticsFlag === 'A' && ctx.simplifiedDigits) {
    const need = ctx.simplifiedDigits.get(`${ih.customsCode}/${mode}`) ?? ctx.simplifiedDigits.get(mode);
    for (const l of need ? inventory.InventoryList : []) {
      if (hsDigitsGiven(l.gcode) < need!) out.push(mismatch('MODE_SIMPLIFIED', 'simplified', null, L, `InventoryList[gnum=${l.gnum}]/gcode`, `≥ ${need} HS digits (${mode})`, l.gcode));
    }
  }
  for (const { l, c } of controlled) {
    if (b2b) out.push(mismatch('MODE_DECLARATION_ROUTE', 'route', null, L, `InventoryList[gnum=${l.gnum}]/gcode`, 'no licence, inspection or export duty', `${l.gcode} (${what(c!)})`));
    else if (ih.statisticsFlag === 'A' && (c!.licence || c!.duty)) out.push(mismatch('MODE_SIMPLIFIED', 'simplified', null, L, `InventoryList[gnum=${l.gnum}]/gcode`, 'no licence or export duty', `${l.gcode} (${what(c!)})`));
  }
  return out;
}
