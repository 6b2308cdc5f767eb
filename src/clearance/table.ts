// Row types of the clearance tables (migration 0003).

export interface DocumentRow {
  id: string;
  enterprise_id: string;
  message_type: string;
  doc_key: string;
  link_key: string | null;
  head_guid: string;
  app_type: string;
  app_time: string;
  state: string;
  body: string;
  audience: string;
  created_at: string;
  updated_at: string;
  version: number;
  /** The message as the filer sent it, when it was signed and held this document alone (resent as is). */
  signed_xml: string | null;
}

export interface IntakeGuidRow {
  guid: string;
  enterprise_id: string;
  hash: string;
  answer: string;
  at: string;
}

export interface ParcelRow {
  id: string;
  enterprise_id: string;
  direction: string;
  order_key: string;
  order_no: string;
  order_id: string;
  payment_id: string | null;
  waybill_id: string | null;
  inventory_id: string | null;
  state: string;
  mismatches: string;
  buyer_key: string | null;
  year: number | null;
  value_fen: number | string | null;
  decided_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface InventoryRow {
  id: string;
  enterprise_id: string;
  parcel_id: string;
  message_type: string;
  source: string;
  cop_no: string;
  pre_no: string | null;
  invt_no: string | null;
  waybill_key: string | null;
  head_guid: string;
  state: string;
  body: string;
  audience: string;
  created_at: string;
  updated_at: string;
  version: number;
  /** The message as the declarant filed it, when it was signed and held this list alone (sent as is). */
  signed_xml: string | null;
}

export interface ReceiptRow {
  id: string;
  subject: string;
  subject_id: string | null;
  message_type: string;
  subject_key: string;
  return_status: string;
  return_time: string;
  return_info: string;
  received_at: string;
}

export interface EventRow {
  id: string;
  subject: string;
  subject_id: string;
  n: number | string;
  type: string;
  from_state: string | null;
  to_state: string;
  actor: string;
  cause: string;
  at: string;
}

export interface OutboxRow {
  id: string;
  stage: string;
  payload: string;
  run_at: string;
  attempts: number;
  last_error: string | null;
  claim?: string | null;
}

export interface BuyerQuotaRow {
  buyer_key: string;
  year: number;
  used_fen: number | string;
}

export interface ItemRecordRow {
  ebc_code: string;
  item_no: string;
  enterprise_id: string;
  gcode: string;
  gname: string;
  unit1: string;
  qty1_per_unit: string;
  unit2: string | null;
  qty2_per_unit: string | null;
  updated_at: string;
  gmodel: string | null;
  /** Transaction unit (JGS-20 code). */
  unit: string | null;
  /** Origin (customs country code). */
  country: string | null;
  bar_code: string | null;
  /** Content of one piece, for consumption-tax price thresholds (e.g. 50 ml). */
  content_amount: string | null;
  /** 'ml' | 'g' | 'piece'. */
  content_unit: string | null;
}

export interface BuyerVerificationRow {
  ebp_code: string;
  buyer_key: string;
  enterprise_id: string;
  verified_at: string;
}

/** A cancellation or return of a declared list (migration 0013). */
export interface ListReturnRow {
  id: string;
  document_id: string;
  message_type: string;
  kind: 'cancel' | 'return';
  direction: string;
  inventory_id: string;
  invt_no: string;
  enterprise_id: string;
  state: 'applied' | 'approved' | 'refused' | 'withdrawn';
  lines: string;
  whole: number;
  value_fen: number | string;
  quota_fen: number | string | null;
  tax_fen: number | string | null;
  released_at: string;
  applied_at: string;
  apply_by: string;
  goods_back_by: string | null;
  tax_free_until: string | null;
  tax_free: number | null;
  decided_at: string | null;
  reason: string;
  audience: string;
}

/** A 9710/9810 customs declaration and its match against the attached orders (migration 0014). */
export interface B2bDeclarationRow {
  entry_id: string;
  enterprise_id: string;
  trade_mode: string;
  ebc_code: string;
  orders: string;
  body: string;
  hash: string;
  state: 'matched' | 'mismatched';
  mismatches: string;
  audience: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ClearanceTables {
  b2b_declarations: B2bDeclarationRow;
  list_returns: ListReturnRow;
  buyer_verifications: BuyerVerificationRow;
  ceb_documents: DocumentRow;
  intake_guids: IntakeGuidRow;
  parcels: ParcelRow;
  inventories: InventoryRow;
  receipts: ReceiptRow;
  clearance_events: EventRow;
  outbox: OutboxRow;
  buyer_quotas: BuyerQuotaRow;
  item_records: ItemRecordRow;
}
