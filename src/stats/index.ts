// Statistics and monitoring's public face (issue 7).
export { createStats, DEFAULT_LEADING_THRESHOLD_FEN, type Stats, type StatsDeps } from './service.js';
export { statsRoutes } from './routes.js';
export type { ReleasedList, DeclarationFacts } from './record.js';
export type { StatsTables } from './table.js';
export { xlsx, zip, type XlsxSheet, type XlsxCell } from './xlsx.js';
export { lateReportCount } from './reports.js';
