// Enterprise credit's public face (issue 8 §4): scores and grades with their computation and
// history, the scoring model as data, and the credit negative list with its effects on filing.
export { createCredit, createCreditSchedule, riskResultsSignal, type CreditService, type CreditSignals, type RiskSignal, type ReportSignal, type ArrearsSignal } from './service.js';
export { createNegativeList, effectsFor, listedCodes, addMonths, ENTRY_TRANSITIONS, type NegativeList, type Effects, type EntryState, type EntryAction } from './negative.js';
export { creditRoutes, type CreditRouteDeps } from './routes.js';
export { computeCredit, gradeOf, shareOf, type CreditInputs, type CreditResult, type Component } from './score.js';
export { DEFAULT_MODEL, GRADES, GRADE_CODES, NEGATIVE_REASONS, COMPONENTS, PROFILE_COMPONENTS, negativeReason, modelSchema, type CreditModel, type Grade, type Profile, type NegativeReason } from './model.js';
export type { CreditTables } from './table.js';
export { createCreditGate, applyFilerEffects, NEGATIVE_ENTRY_HIT, type CreditGate, type FilerEffect } from './gate.js';
