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

export interface TaxTables {
  tax_bills: TaxBillTable;
}
