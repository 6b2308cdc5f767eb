// Row types of the risk tables (migration 0016). Personal data never lands here in clear: buyers,
// consignees, addresses and phones are sha-256 keys (the buyer key is the clearance pipeline's).

/** A rule's (or the routing's) tunable settings: enabled flag and parameters, as data. */
export interface RiskRuleRow {
  code: string;
  enabled: number;
  /** JSON of the parameters, validated against the rule's schema. */
  params: string;
  updated_at: string;
  updated_by: string;
  version: number;
}

/** The outcome of one evaluation of one document. */
export interface RiskResultRow {
  id: string;
  document_id: string;
  message_type: string;
  enterprise_id: string;
  score: number;
  decision: 'pass' | 'review' | 'refuse';
  /** JSON array of hits: code, severity, weight, values, explanation in both languages. */
  hits: string;
  evaluated_at: string;
}

/** A document held for manual review. */
export interface RiskReviewRow {
  id: string;
  result_id: string;
  document_id: string;
  enterprise_id: string;
  score: number;
  state: 'open' | 'assigned' | 'approved' | 'rejected';
  assignee: string | null;
  reason: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

/** The keys of an order the window rules look across, written when its result is recorded. */
export interface RiskObservationRow {
  document_id: string;
  enterprise_id: string;
  ebc_code: string;
  buyer_key: string | null;
  consignee_key: string | null;
  address_key: string | null;
  phone_key: string | null;
  value_fen: number | string;
  at: string;
}

/** A declared unit price per 10-digit HS code, the sample of the price rule. */
export interface RiskPriceRow {
  document_id: string;
  gnum: number;
  gcode: string;
  price_fen: number | string;
  at: string;
}

export interface RiskTables {
  risk_rules: RiskRuleRow;
  risk_results: RiskResultRow;
  risk_reviews: RiskReviewRow;
  risk_observations: RiskObservationRow;
  risk_prices: RiskPriceRow;
}
