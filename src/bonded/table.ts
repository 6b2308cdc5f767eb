// The bonded stock tables as Kysely sees them (migration 0012). Quantities are integers in units of
// 10⁻⁵ (the CEB's N19,5 quantities, exactly): 1.5 pieces is 150000. PostgreSQL hands bigints back as
// text, SQLite as numbers; src/bonded/quantity.ts reads both.

type Big = number | string;

/** A customs account book (账册, emsNo) of a warehouse operator in a special customs area. */
export interface BondedAccountTable {
  id: string;
  /** 区内仓储企业的海关注册登记编号: the list head's areaCode and the CEB711 operatorCode. */
  area_code: string;
  area_name: string;
  ems_no: string;
  /** The registry enterprise that operates the warehouse (role 'warehouse'). */
  operator_enterprise_id: string;
  created_at: string;
  created_by: string;
}

/** An inbound advance notice (入库通知): what a consignment brings, entered when the operator's CEB711 lists its waybill. */
export interface BondedNoticeTable {
  id: string;
  account_id: string;
  ebc_code: string;
  logistics_code: string;
  logistics_no: string;
  /** JSON: [{ itemNo, gcode, gname, unit, qty }] with qty as decimal text. */
  lines: string;
  /** 'pending' until a CEB711 lists the waybill, then 'entered'. */
  state: string;
  delivery_guid: string | null;
  entered_at: string | null;
  created_at: string;
  created_by: string;
}

/** The balance of one item of one e-commerce enterprise on one account. */
export interface BondedStockTable {
  account_id: string;
  ebc_code: string;
  item_no: string;
  gcode: string;
  gname: string;
  unit: string;
  on_hand: Big;
  reserved: Big;
  updated_at: string;
}

/** What a list (by ref) holds of an item until customs releases, refuses or returns it. */
export interface BondedReservationTable {
  ref: string;
  item_no: string;
  account_id: string;
  ebc_code: string;
  qty: Big;
  /** 'held', then 'exited' (released by customs) or 'released' (the hold given back). */
  state: string;
  cause: string | null;
  reserved_at: string;
  settled_at: string | null;
}

/** Every change of a balance, with who, when, why and the document it comes from. Never updated. */
export interface BondedMovementTable {
  id: string;
  at: string;
  account_id: string;
  ebc_code: string;
  item_no: string;
  /** entry | reserve | unreserve | exit | adjustment */
  kind: string;
  /** Change of the quantity on hand. */
  qty: Big;
  /** Change of the quantity reserved. */
  reserved_delta: Big;
  on_hand_after: Big;
  reserved_after: Big;
  /** The CEB711 guid (entry), the list's ref (reserve, unreserve, exit), the count or 'manual' (adjustment). */
  ref: string;
  notice_id: string | null;
  actor: string;
  /** Why: the release cause, the adjustment's reason. */
  reason: string | null;
}

/** A counted quantity from a stock-taking, with the book quantity at the moment counted. */
export interface BondedCountTable {
  id: string;
  batch_id: string;
  account_id: string;
  ebc_code: string;
  item_no: string;
  counted_qty: Big;
  book_qty: Big;
  counted_at: string;
  uploaded_at: string;
  uploaded_by: string;
}

export interface BondedTables {
  bonded_accounts: BondedAccountTable;
  bonded_notices: BondedNoticeTable;
  bonded_stock: BondedStockTable;
  bonded_reservations: BondedReservationTable;
  bonded_movements: BondedMovementTable;
  bonded_counts: BondedCountTable;
}
