// The risk engine's public face (issue 8 §1–3): rules as code with parameters as data, evaluation of
// a batch of documents at intake, results, enterprise scores and the manual review queue.
export { createRisk, REVIEW_TRANSITIONS, type RiskService, type ReviewAction, type ReviewState } from './service.js';
export { riskRoutes } from './routes.js';
export { evaluateBatch, decide, scoreOf, defaultSettings, type Decision, type Evaluation, type Hit, type Settings, type RuleSetting } from './engine.js';
export { RULES, ROUTING, ruleByCode, type Rule, type Severity } from './rules.js';
export { MemoryFactSource, type FactSource, type Facts, type Observation, type GoodsStatus, type ItemFact, type LinkedOrder } from './facts.js';
export { createFactCache, databaseFacts, orderCacheKey, type DatabaseFactOptions, type FactCache } from './repository.js';
export { subjectOf, type RiskInput, type Subject } from './subject.js';
export type { RiskTables } from './table.js';
