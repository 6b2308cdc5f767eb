// The consolidated-declaration tables as Kysely sees them.
export interface SummaryTables {}
