// The database as Kysely sees it: the union of every capability's tables. Capabilities own their
// table types; this file only composes them.
import type { RegistryTables } from '../registry/table.js';
import type { WebhookTables } from '../clearance/webhooks/table.js';
import type { ClearanceTables } from '../clearance/table.js';
import type { SigningTables } from '../signing/table.js';
import type { TaxTables } from '../tax/table.js';
import type { SummaryTables } from '../summary/table.js';
import type { BondedTables } from '../bonded/table.js';
import type { SecurityTables } from '../security/table.js';
import type { RiskTables } from '../risk/table.js';
import type { CreditTables } from '../credit/table.js';
import type { StatsTables } from '../stats/table.js';

export interface Database extends RegistryTables, WebhookTables, ClearanceTables, SigningTables, TaxTables, SummaryTables, BondedTables, SecurityTables, RiskTables, CreditTables, StatsTables {}
