// Keeping the rollups current: lists customs released (800), 9710/9810 declarations recorded on the
// platform, and monthly self-reports, each turned into facts and added to the rollups inside the
// caller's transaction. A round of receipts makes one enterprise look-up and one upsert per cell.
import type { Kysely } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from '../db/schema.js';
import type { FxTable } from '../kernel/fx.js';
import type { Fen } from '../kernel/money.js';
import { beijingDay } from '../kernel/time.js';
import type { Inventory as ImportInventory } from '../ceb/model/import-202205.js';
import type { Inventory as ExportInventory } from '../ceb/model/export-202205.js';
import * as repo from './repository.js';
import { deltasOf, MARKET_PROCUREMENT, type FactLine, type TradeFact, type Where } from './rules.js';
import type { Markets } from './markets.js';
import type { StatsReportRow } from './table.js';

export interface ReleasedList {
  readonly invtNo: string;
  /** CEB621Message (import) or CEB603Message (export). */
  readonly messageType: string;
  readonly releasedAt: Date;
  readonly body: ImportInventory | ExportInventory;
}

/** A 9710/9810 declaration as the statistics see it: counted while it matches its orders. */
export interface DeclarationFacts {
  readonly entryId: string;
  readonly tradeMode: string;
  readonly ebcCode: string;
  readonly lines: readonly { readonly gcode: string; readonly totalPrice: string; readonly currency: string }[];
  readonly matched: boolean;
  /** When it was first recorded (its statistical day). */
  readonly at: string;
}

export interface RecordDeps {
  readonly fx: FxTable;
  readonly markets: Markets;
  /** The embedded database's handle, for the upserts' fast path (undefined on PostgreSQL). */
  readonly sqlite?: BetterSqlite3.Database | undefined;
}

const placeOf = (e: repo.EnterprisePlace | undefined, code: string): Where =>
  (e ? { id: e.id, county: e.county ?? '', park: e.park ?? '', cluster: e.cluster ?? '' } : { id: `code:${code}`, county: '', park: '', cluster: '' });

async function places(db: Kysely<Database>, codes: readonly string[]): Promise<(code: string) => Where> {
  const found = new Map<string, repo.EnterprisePlace>();
  for (const e of await repo.enterprisesByCode(db, [...new Set(codes)])) {
    found.set(e.uscc, e);
    if (e.customs_code) found.set(e.customs_code, e);
  }
  return (code) => placeOf(found.get(code), code);
}

/** An amount of a currency in fen at the month's rate; undefined without a rate or a readable amount. */
function fenOf(fx: FxTable, amount: string, currency: string, month: string): Fen | undefined {
  try {
    return fx.toFen(amount, currency, month);
  } catch {
    return undefined;
  }
}

/** The facts of released lists (pure once the enterprises are known). */
export function listFacts(lists: readonly ReleasedList[], where: (code: string) => Where, fx: FxTable): TradeFact[] {
  return lists.map((l) => {
    const h = l.body.InventoryHead;
    const day = beijingDay(l.releasedAt.toISOString());
    const month = day.slice(0, 7);
    const lines: FactLine[] = (l.body.InventoryList ?? []).map((x) => ({ country: x.country ?? '', gcode: x.gcode ?? '', valueFen: fenOf(fx, x.totalPrice, x.currency, month) }));
    return {
      basis: 'customs', direction: l.messageType === 'CEB603Message' ? 'E' : 'I', mode: h.tradeMode, day, month,
      enterprise: where(h.ebcCode), lines, goods: true, documents: 1, sign: 1,
    };
  });
}

export function declarationFacts(d: DeclarationFacts, where: (code: string) => Where, fx: FxTable, sign: 1 | -1): TradeFact {
  const day = beijingDay(d.at);
  const month = day.slice(0, 7);
  return {
    basis: 'customs', direction: 'E', mode: d.tradeMode, day, month, enterprise: where(d.ebcCode), goods: true, documents: 1, sign,
    // A declaration names no destination per line here: its country is unknown ('').
    lines: d.lines.map((l) => ({ country: '', gcode: l.gcode, valueFen: fenOf(fx, l.totalPrice, l.currency, month) })),
  };
}

/**
 * The parts of a monthly report: retail exports (export − of which B2B), B2B exports, retail
 * imports and market procurement (1039, its own series). Parts of 0 add nothing.
 */
export function reportFacts(r: Pick<StatsReportRow, 'enterprise_id' | 'month' | 'county' | 'park' | 'cluster' | 'export_fen' | 'import_fen' | 'b2b_export_fen' | 'market_procurement_fen'>, sign: 1 | -1): TradeFact[] {
  const enterprise: Where = { id: r.enterprise_id, county: r.county, park: r.park, cluster: r.cluster };
  const b2b = Number(r.b2b_export_fen);
  const parts: [direction: 'E' | 'I', mode: string, fen: number][] = [
    ['E', 'B2C', Number(r.export_fen) - b2b], ['E', 'B2B', b2b], ['I', 'B2C', Number(r.import_fen)], ['E', MARKET_PROCUREMENT, Number(r.market_procurement_fen)],
  ];
  return parts.filter(([, , fen]) => fen !== 0).map(([direction, mode, fen]) => ({
    basis: 'self_report', direction, mode, month: r.month, enterprise, lines: [{ country: '', gcode: '', valueFen: fen }], goods: false, documents: 0, sign,
  }));
}

export function createRecorder({ fx, markets, sqlite }: RecordDeps) {
  const apply = (db: Kysely<Database>, facts: readonly TradeFact[]) => {
    const { zone, enterprise } = deltasOf(facts, markets.of);
    return repo.addDeltas(db, zone, enterprise, sqlite);
  };
  return {
    /** Lists customs released (800), in the receipts' transaction: one look-up and one upsert per cell for the round. */
    async released(db: Kysely<Database>, lists: readonly ReleasedList[]): Promise<number> {
      if (!lists.length) return 0;
      const where = await places(db, lists.map((l) => l.body.InventoryHead.ebcCode));
      await apply(db, listFacts(lists, where, fx));
      return lists.length;
    },

    /** A declaration recorded or recorded again: what the earlier version added comes out, the new one goes in. */
    async declaration(db: Kysely<Database>, change: { previous?: DeclarationFacts | undefined; current: DeclarationFacts }): Promise<void> {
      const sides = [change.previous?.matched ? { d: change.previous, sign: -1 as const } : undefined, change.current.matched ? { d: change.current, sign: 1 as const } : undefined]
        .filter((x): x is { d: DeclarationFacts; sign: 1 | -1 } => x !== undefined);
      if (!sides.length) return;
      const where = await places(db, sides.map((s) => s.d.ebcCode));
      await apply(db, sides.map((s) => declarationFacts(s.d, where, fx, s.sign)));
    },

    /** A report filed: the one it replaces comes out (with the places it was filed under), the new one goes in. */
    async report(db: Kysely<Database>, previous: StatsReportRow | undefined, current: StatsReportRow): Promise<void> {
      await apply(db, [...(previous ? reportFacts(previous, -1) : []), ...reportFacts(current, 1)]);
    },
  };
}

export type Recorder = ReturnType<typeof createRecorder>;
