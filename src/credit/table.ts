// Row types of the credit tables (migration 0018).

/** The scoring model (code 'MODEL'): weights and grade thresholds as data, each change audited. */
export interface CreditSettingRow {
  code: string;
  params: string;
  updated_at: string;
  updated_by: string;
  version: number;
}

/** One computation of one enterprise's credit, never changed once written. */
export interface CreditScoreRow {
  id: string;
  enterprise_id: string;
  profile: 'trade' | 'payment';
  score: number;
  grade: string;
  /** JSON array of components: code, name, value, points, computation. */
  components: string;
  window_from: string;
  window_to: string;
  model_version: number;
  computed_at: string;
  computed_by: string;
}

/** Each enterprise's latest computation, for the ranking. */
export interface CreditLatestRow {
  enterprise_id: string;
  score_id: string;
  score: number;
  grade: string;
  /** The instant the computation is as of (its window's end). */
  as_of: string;
}

/** An entry of the credit negative list (信用负面清单). */
export interface CreditNegativeEntryRow {
  id: string;
  enterprise_id: string;
  reason_code: string;
  reason_text: string;
  filing_blocked: number;
  mandatory_review: number;
  /** Beijing day the listing counts from (may precede the entry, e.g. customs' 失信 determination). */
  start_day: string;
  /** First Beijing day repair may be requested: start_day + the reason's minimum period. */
  repair_from: string;
  state: 'listed' | 'repair_requested' | 'repaired' | 'kept';
  created_at: string;
  created_by: string;
  updated_at: string;
  version: number;
}

export interface CreditTables {
  credit_settings: CreditSettingRow;
  credit_scores: CreditScoreRow;
  credit_latest: CreditLatestRow;
  credit_negative_entries: CreditNegativeEntryRow;
}
