// The consolidated-declaration tables as Kysely sees them (清单核放、汇总申报, cbec-rules §1.4).
//
// Quantities and amounts are stored as integers scaled by 10^5 (SCALE in rules.ts): every CEB
// decimal is N19,5, so the scaling is exact, and the sums can then be kept and added in SQL (the
// pre-aggregates below) instead of parsing 30 million decimal texts per month in JavaScript.
// They are bigint columns; an int64 holds 92 trillion units of any quantity. PostgreSQL refuses an
// overflowing addition; SQLite would silently turn it into a float, so every read of a sum goes
// through readScaled(), which refuses anything that is not an exact integer.

/** One line of an export list (CEB603) that customs closed (结关, 899). Written once, never changed. */
export interface SummaryLineTable {
  invt_no: string;
  gnum: number;
  ebc_code: string;
  /** 'YYYY-MM' of closed_at in Beijing time: the month whose summary takes the line. */
  close_month: string;
  closed_at: string;
  logistics_no: string;
  /** A 简化申报 / B 汇总申报. */
  statistics_flag: string;
  trade_mode: string;
  customs_code: string;
  loct_no: string | null;
  owner_code: string;
  traf_mode: string;
  /** 运抵国 (InventoryHead/country). */
  head_country: string;
  /** 出境关别 (InventoryHead/portCode). */
  port_code: string;
  /** 最终目的国 (InventoryList/country). */
  line_country: string;
  gcode: string;
  currency: string;
  gname: string;
  unit: string;
  qty: number | string;
  unit1: string;
  qty1: number | string;
  unit2: string | null;
  qty2: number | string | null;
  total_price: number | string;
  /** The list's gross and net weight (head fields), repeated on each of its lines. */
  gross_weight: number | string;
  net_weight: number | string;
  /** Which build of the month takes the list: lists recorded after a summary was built go to the next. */
  batch: number;
  /**
   * 1 on the list's first line (lowest gnum), 0 on the others: the one row that stands for the
   * list (its head fields, its entry in the CEB701), whatever gnums the list uses.
   */
  list_head: number;
}

/** Per 收发货人, declaring customs and close month: the batch new B lists join (see recordClosedLists). */
export interface SummaryPeriodTable {
  ebc_code: string;
  close_month: string;
  customs_code: string;
  batch: number;
  updated_at: string;
}

/** Pre-aggregate per list-header key: lists, lines and weights of the B lists. */
export interface SummaryHeadTotalTable {
  ebc_code: string;
  close_month: string;
  customs_code: string;
  batch: number;
  /** '' when the lists name none (a unique key cannot hold null on both databases alike). */
  loct_no: string;
  owner_code: string;
  traf_mode: string;
  head_country: string;
  port_code: string;
  lists: number | string;
  lines: number | string;
  gross_weight: number | string;
  net_weight: number | string;
}

/** Pre-aggregate per full line key (the finest grouping any summary flag asks for) of the B lines. */
export interface SummaryLineTotalTable {
  ebc_code: string;
  close_month: string;
  customs_code: string;
  batch: number;
  loct_no: string;
  owner_code: string;
  traf_mode: string;
  head_country: string;
  port_code: string;
  line_country: string;
  gcode: string;
  currency: string;
  gname: string;
  unit: string;
  unit1: string;
  /** '' when the lines have no second unit. */
  unit2: string;
  lines: number | string;
  qty: number | string;
  qty1: number | string;
  qty2: number | string;
  total_price: number | string;
}

/** One build: a month of one 收发货人 at one customs, consolidated once. */
export interface SummaryTable {
  id: string;
  ebc_code: string;
  ebc_name: string;
  month: string;
  customs_code: string;
  summary_flag: string;
  /** 1 = merge by the original item name (itemNameFlag 1), 0 = by the classification. */
  item_name_flag: number;
  /** 'declaration' (汇总申报, CEB701) or 'statistics' (汇总统计, no 报关单). */
  mode: string;
  /** The copNo stem; each header group's SummaryApply has `${cop_no}-${groupNo}`. */
  cop_no: string;
  /** built → sent → accepted → concluded, or rejected; statistics for 汇总统计. */
  state: string;
  agent_code: string;
  agent_name: string;
  decl_agent_code: string;
  decl_agent_name: string;
  /** JSON array of the batches the summary took. */
  batches: string;
  groups: number;
  items: number;
  lists: number | string;
  lines: number | string;
  /** JSON: the CEB701 messages, each [{guid, parts: [[groupNo, partNo, partCount], …]}]. */
  messages: string;
  due_date: string;
  created_at: string;
  created_by: string;
  updated_at: string;
}

/** One header group of a summary: one future 报关单, one SummaryApply (split in parts when long). */
export interface SummaryGroupTable {
  summary_id: string;
  group_no: number;
  cop_no: string;
  loct_no: string;
  /** '' under summaryFlag 1 (not a key). */
  owner_code: string;
  traf_mode: string;
  head_country: string;
  port_code: string;
  lists: number | string;
  lines: number | string;
  items: number;
  parts: number;
  gross_weight: string;
  net_weight: string;
  state: string;
  pre_no: string | null;
  sum_no: string | null;
  decl_seq_no: string | null;
  entry_id: string | null;
  dec_state: string | null;
  return_status: string | null;
  return_info: string | null;
  updated_at: string;
}

/** One declaration line (报关单商品项) of a group, with its exact sums as decimal text. */
export interface SummaryItemTable {
  summary_id: string;
  group_no: number;
  gseqno: number;
  line_country: string;
  gcode: string;
  currency: string;
  /** The original name (itemNameFlag 1) or the most frequent one (customs names it by classification). */
  gname: string;
  unit: string;
  qty: string;
  unit1: string;
  qty1: string;
  unit2: string | null;
  qty2: string | null;
  total_price: string;
  lines: number | string;
}

/** Customs' mapping of a list line to its 报关单 line (CEB792 SummaryResultList). */
export interface SummaryResultTable {
  invt_no: string;
  gnum: number;
  sum_no: string;
  decl_seq_no: string;
  entry_id: string | null;
  gseqno: number;
  gcode: string;
  logistics_no: string;
  received_at: string;
}

export interface SummaryTables {
  summary_lines: SummaryLineTable;
  summary_periods: SummaryPeriodTable;
  summary_head_totals: SummaryHeadTotalTable;
  summary_line_totals: SummaryLineTotalTable;
  summaries: SummaryTable;
  summary_groups: SummaryGroupTable;
  summary_items: SummaryItemTable;
  summary_results: SummaryResultTable;
}
