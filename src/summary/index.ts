// The consolidated declaration's public face (清单核放、汇总申报 / 汇总统计).
export { recordClosedLists, type ClosedList } from './record.js';
export { createSummaries, type Summaries, type BuildRequest, type SummaryDetail, type SummaryView, type SummaryMessage } from './service.js';
export { customsAnswer, type CustomsAnswer, type CustomsLine } from './customs.js';
export { loadCalendar, seedCalendar, workCalendar, parseCalendar, dueDate, type WorkCalendar, type CalendarDay } from './calendar.js';
export { consolidate, locator, planMessages, MAX_LISTS_PER_MESSAGE, type GroupingFlags } from './rules.js';
export { summaryRoutes } from './routes.js';
export { customsLinesOf } from './lines.js';
