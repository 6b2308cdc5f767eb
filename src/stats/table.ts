// Row types of the statistics tables (migration 0019_stats).
//
// Dashboard queries read only the pre-aggregated rollups, never the lists: each release (800) adds
// a few rows' worth to them in the receipts' transaction. A rollup row is one cell of
// (basis, grain, dimension, period, direction, trade mode, key); values are additive, so a
// correction (a report filed again, a declaration changed) is the same upsert with a negative delta.

/** Zone-wide rollup: one row per (basis, grain, dim, period, direction, mode, key). */
export interface StatsRollupRow {
  /** 'customs' (lists, declarations) | 'self_report' (monthly reports) | 'certified'. */
  basis: string;
  /** 'd' (period YYYY-MM-DD, Beijing day) | 'm' (YYYY-MM) | 'y' (YYYY; dim enterprise only, the ranking). */
  grain: string;
  /** 'none' | 'county' | 'park' | 'cluster' | 'country' | 'market' | 'chapter' | 'enterprise'. */
  dim: string;
  period: string;
  /** 'E' export | 'I' import. */
  direction: string;
  /** Trade mode (9610, 1210, 1239, 9710, 9810); self reports: 'B2C', 'B2B', '1039'. */
  mode: string;
  /** The dimension's key ('' for dim none, and for an unknown county/park/cluster/country). */
  key: string;
  /** Lists and declarations counted (a list counts once under each key its lines reach). */
  lists: number | string;
  value_fen: number | string;
  /** Lines that had no exchange rate for their currency and month (counted, valued 0). */
  unpriced: number | string;
}

/** One enterprise's own rollup: dims none, country, market, chapter (grains d, m). */
export interface StatsEnterpriseRollupRow extends StatsRollupRow {
  /** Registry id; `code:<customs code>` for an e-commerce enterprise not in the registry. */
  enterprise_id: string;
}

/** A monthly self-report (逐月申报); a second filing for a month is a new version, the old kept. */
export interface StatsReportRow {
  id: string;
  enterprise_id: string;
  month: string;
  version: number;
  /** 1 for the version in force, 0 for those it replaced. */
  current: number;
  export_fen: number | string;
  import_fen: number | string;
  b2b_export_fen: number | string;
  market_procurement_fen: number | string;
  overseas_warehouses: number;
  overseas_warehouse_area_m2: number | string;
  note: string | null;
  /** The enterprise's county, park and cluster when filed: a later filing takes back exactly what this one added. */
  county: string;
  park: string;
  cluster: string;
  source: string;
  filed_at: string;
  filed_by: string;
}

/** A plan target (seeded from src/stats/data/targets.csv; the operator edits the figure, audited). */
export interface StatsTargetRow {
  id: string;
  zone: string;
  year: number;
  measure: string;
  basis: string;
  unit: string;
  /** Decimal text: fen, a count, m² or percent. */
  target: string;
  label_zh: string;
  label_en: string;
  source: string;
  note: string;
  version: number;
  updated_at: string;
  updated_by: string;
}

/** A reminder sent to an enterprise whose monthly report is missing. */
export interface StatsReminderRow {
  id: string;
  enterprise_id: string;
  month: string;
  reminded_at: string;
  actor: string;
}

export interface StatsTables {
  stats_rollups: StatsRollupRow;
  stats_enterprise_rollups: StatsEnterpriseRollupRow;
  stats_reports: StatsReportRow;
  stats_targets: StatsTargetRow;
  stats_reminders: StatsReminderRow;
}
