// Periods of the ledger are Beijing days (customs days are Beijing days, spec 202205 §3; China
// keeps UTC+8 all year), while movements carry UTC instants: the bounds convert once, here.

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The instant a Beijing day begins, as the ISO text movements are stored with. */
export function dayStart(day: string): string {
  const t = Date.parse(`${day}T00:00:00+08:00`);
  if (!DAY.test(day) || Number.isNaN(t) || new Date(t + 8 * 3600_000).toISOString().slice(0, 10) !== day) throw new RangeError(`not a day: "${day}"`);
  return new Date(t).toISOString();
}

/** The instant the day after `day` begins: the exclusive end of a period ending on `day`. */
export const dayEnd = (day: string): string => new Date(Date.parse(dayStart(day)) + DAY_MS).toISOString();
