export { createRegistryService, type RegistryService, type Principal, type IssuedToken, type TokenInfo } from './service.js';
export { registryRoutes } from './routes.js';
export { checkUscc, usccCheckChar, USCC_ALPHABET } from './rules/uscc.js';
export { ROLES, ROLE_CODES, CREDIT_LEVELS, STATUSES, type Role, type Status } from './rules/catalogue.js';
export type { Enterprise, EnterpriseInput, EnterprisePatch, EnterpriseQuery, Page, Contact } from './model.js';
export type { RegistryTables } from './table.js';
