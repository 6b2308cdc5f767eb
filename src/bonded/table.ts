// The bonded stock tables as Kysely sees them.
export interface BondedTables {}
