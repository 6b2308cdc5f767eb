// Consolidated declaration (清单核放、汇总申报): placeholder until the summary module lands.
import type { Kysely } from 'kysely';

export async function up(_db: Kysely<unknown>): Promise<void> {}
export async function down(_db: Kysely<unknown>): Promise<void> {}
