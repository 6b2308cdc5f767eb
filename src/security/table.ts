// The security alerts as Kysely sees them (migration 0018).
export interface SecurityAlertTable {
  id: string;
  kind: string;
  subject: string;
  enterprise_id: string | null;
  severity: string;
  state: 'open' | 'acknowledged';
  count: number;
  detail: string;
  first_at: string;
  last_at: string;
  acked_by: string | null;
  acked_at: string | null;
  note: string | null;
}

export interface SecurityTables {
  security_alerts: SecurityAlertTable;
}
