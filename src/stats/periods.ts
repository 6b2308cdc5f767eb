// Calendar arithmetic of the statistics, on Beijing dates as text (YYYY-MM-DD, YYYY-MM): month
// bounds, a date range cut into whole months and partial ones, the same period a year earlier.

export const isDay = (s: string): boolean => /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;
export const isMonth = (s: string): boolean => /^\d{4}-(0[1-9]|1[0-2])$/.test(s);

export function lastDay(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

export const monthsBetween = (from: string, to: string): number => {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  return (ty - fy) * 12 + (tm - fm);
};

export const daysBetween = (from: string, to: string): number => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;

/** The same day a year earlier (29 February becomes the 28th). */
export function yearBefore(day: string): string {
  const y = String(Number(day.slice(0, 4)) - 1).padStart(4, '0');
  const md = day.slice(5);
  return md === '02-29' ? `${y}-02-28` : `${y}-${md}`;
}

/**
 * A day range as whole months (read from the monthly rollup) and partial months (from the daily
 * one): [from, to] = the months' days ∪ the partial ranges, without overlap.
 */
export function splitRange(from: string, to: string): { months: { from: string; to: string } | undefined; days: { from: string; to: string }[] } {
  const fm = from.slice(0, 7);
  const tm = to.slice(0, 7);
  const startWhole = from.endsWith('-01') ? fm : addMonths(fm, 1);
  const endWhole = to === lastDay(tm) ? tm : addMonths(tm, -1);
  if (startWhole > endWhole) {
    // No whole month inside: the days of at most two months.
    return { months: undefined, days: fm === tm ? [{ from, to }] : [{ from, to: lastDay(fm) }, { from: `${tm}-01`, to }] };
  }
  const days: { from: string; to: string }[] = [];
  if (startWhole !== fm) days.push({ from, to: lastDay(fm) });
  if (endWhole !== tm) days.push({ from: `${tm}-01`, to });
  return { months: { from: startWhole, to: endWhole }, days };
}
