// The bonded stock ledger's public face (1210/1239 网购保税进口).
import type { Store } from '../db/store.js';
import { AppError } from '../kernel/errors.js';
import type { RegistryService } from '../registry/index.js';
import { createBondedService, type EnterpriseFacts } from './service.js';
import { createStocktaking } from './stocktaking.js';

export {
  reserve, release, exit, deliver, announcedWaybills, isBondedManaged, heldRefs, UNKNOWN_DELIVERY_CODE, CLEARANCE_ACTOR,
  type ReserveInput, type ReserveLine, type ReserveResult, type Shortfall, type BondedAccountRef,
  type DeliverInput, type DeliverResult, type DeliveryEntry, type NoticeLine,
} from './ledger.js';
export { createBondedService, type BondedService, type Caller, type EnterpriseFacts, type BondedDeps } from './service.js';
export { createStocktaking, countsFromCsv, type Stocktaking, type CountLine } from './stocktaking.js';
export { bondedRoutes, type BondedRouteDeps } from './routes.js';
export { formatQty, parseQty } from './quantity.js';
export type { BondedTables } from './table.js';

/** What the ledger knows of an enterprise, from the registry; undefined when it is not registered. */
export function enterpriseFacts(registry: RegistryService) {
  return async (ref: string): Promise<EnterpriseFacts | undefined> => {
    try {
      const e = await registry.get(ref);
      return { id: e.id, code: e.customsCode ?? e.uscc, name: e.nameZh, roles: e.roles };
    } catch (err) {
      if (err instanceof AppError && err.kind === 'not_found') return undefined;
      throw err;
    }
  };
}

/** The ledger's services for the API, wired to the store and the registry. */
export function createBonded(deps: { store: Store; registry: RegistryService; now?: () => Date }) {
  const d = { store: deps.store, enterprise: enterpriseFacts(deps.registry), ...(deps.now ? { now: deps.now } : {}) };
  return { service: createBondedService(d), stocktaking: createStocktaking(d) };
}
