export interface EnterpriseTable {
  id: string;
  uscc: string;
  customs_code: string | null;
  dxp_id: string | null;
  name_zh: string;
  name_en: string | null;
  county: string | null;
  park: string | null;
  cluster: string | null;
  /** Normalised to the 令282 scheme. */
  credit_level: string;
  /** As submitted (a 令251 code stays visible). */
  credit_level_given: string;
  status: string;
  address: string | null;
  /** JSON array of contacts. */
  contacts: string;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface EnterpriseRoleTable {
  enterprise_id: string;
  role: string;
}

export interface ApiTokenTable {
  id: string;
  enterprise_id: string | null;
  scope: string;
  token_hash: string;
  label: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AuditEventTable {
  id: string;
  at: string;
  actor: string;
  entity: string;
  entity_id: string;
  action: string;
  detail: string;
}

export interface RegistryTables {
  enterprises: EnterpriseTable;
  enterprise_roles: EnterpriseRoleTable;
  api_tokens: ApiTokenTable;
  audit_events: AuditEventTable;
}
