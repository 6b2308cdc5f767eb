// The tax bills as Kysely sees them.
export interface TaxBillTable {
  tax_no: string;
  invt_no: string;
  /** The list the bill is for, when the platform knows it (by invtNo). */
  inventory_id: string | null;
  assure_code: string | null;
  ebc_code: string | null;
  agent_code: string | null;
  customs_tax_fen: number | string;
  vat_fen: number | string;
  ct_fen: number | string;
  /** 1 已生成, 2 已汇总, 3 作废. */
  status: string;
  /** The engine's taxTotal for the list; null when it could not compute it (no list, no rates). */
  computed_fen: number | string | null;
  /** Bill total − computed; non-zero is flagged. */
  difference_fen: number | string | null;
  /** JSON of the bill's lines. */
  lines: string;
  return_time: string;
  received_at: string;
  updated_at: string;
}

/** A 9810 list line tracked for 出口预退税 (HWC-YT) until its sales settle it (migration 0015). */
export interface PrerefundTable {
  invt_no: string;
  gnum: number;
  enterprise_id: string;
  ebc_code: string;
  export_date: string;
  goods_name: string;
  gcode: string;
  unit: string;
  qty: string;
  amount: string;
  currency: string;
  claim_ref: string | null;
  claimed_at: string | null;
  sales: string;
  sold_qty: string;
  settle_by: string;
  created_at: string;
  updated_at: string;
}

/** One export list line as registered for 无票免税 / 核定征收 (the six items), immutable. */
export interface ExportRegistrationTable {
  invt_no: string;
  gnum: number;
  enterprise_id: string;
  ebc_code: string;
  inventory_id: string;
  trade_mode: string;
  customs_code: string;
  /** YYYY-MM-DD. */
  export_date: string;
  goods_name: string;
  /** JGS-20 unit code. */
  unit: string;
  /** Exact decimal texts as the list gives them. */
  qty: string;
  unit_price: string;
  amount: string;
  currency: string;
  registered_at: string;
  registered_by: string;
}

export interface TaxTables {
  tax_bills: TaxBillTable;
  export_registrations: ExportRegistrationTable;
  prerefunds: PrerefundTable;
}
