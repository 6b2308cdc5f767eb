// The monthly summary's deadline (cbec-rules §1.4, §9 D2): the B lists closed in a month are
// declared by the 15th of the next month, postponed to the next working day when the 15th is a
// rest day (海关总署公告2018年第194号 as commonly quoted [M]; the 10th of 2014年第56号 is no longer
// current). Rest days are weekends and the State Council's public holidays; the adjusted working
// days (调休, a Saturday or Sunday worked) are working days. The holidays are data
// (src/summary/data/workdays.csv, replaceable as a whole): the file says per row which dates are
// confirmed and which are assumptions.
import { readFileSync } from 'node:fs';
import { parseCsv } from '../kernel/csv.js';
import { projectPath } from '../kernel/paths.js';
import { formatCustomsTime } from '../kernel/time.js';

export interface CalendarDay {
  readonly date: string;
  readonly kind: 'holiday' | 'workday';
  readonly name: string;
  readonly source: string;
}

export interface WorkCalendar {
  isWorkingDay(day: string): boolean;
  /** `day` itself when it is a working day, else the next one. */
  nextWorkingDay(day: string): string;
  /** Whether the data covers the year of `day` (outside it only weekends count as rest days). */
  covers(day: string): boolean;
}

/** The summary deadline rule's day of the month (194号; 10 under 2014年第56号). */
export const DUE_DAY = 15;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const utc = (day: string) => new Date(`${day}T00:00:00Z`);
const iso = (d: Date) => d.toISOString().slice(0, 10);

export class CalendarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalendarError';
  }
}

/** Reads the holiday file: date,kind,name,source; kind holiday (rest) or workday (adjusted working day). */
export function parseCalendar(text: string): CalendarDay[] {
  const rows = parseCsv(text);
  const seen = new Set<string>();
  return rows.map((r, i) => {
    const line = i + 2;
    if (!DAY.test(r.date ?? '') || iso(utc(r.date!)) !== r.date) throw new CalendarError(`line ${line}: "${r.date}" is not a date (YYYY-MM-DD)`);
    if (r.kind !== 'holiday' && r.kind !== 'workday') throw new CalendarError(`line ${line}: kind must be holiday or workday, not "${r.kind}"`);
    if (seen.has(r.date!)) throw new CalendarError(`line ${line}: ${r.date} is listed twice`);
    seen.add(r.date!);
    return { date: r.date!, kind: r.kind, name: r.name ?? '', source: r.source ?? '' };
  });
}

export function workCalendar(days: readonly CalendarDay[]): WorkCalendar {
  const kind = new Map(days.map((d) => [d.date, d.kind]));
  const years = new Set(days.map((d) => d.date.slice(0, 4)));
  const isWorkingDay = (day: string) => {
    const k = kind.get(day);
    if (k) return k === 'workday';
    const w = utc(day).getUTCDay();
    return w !== 0 && w !== 6;
  };
  return {
    isWorkingDay,
    nextWorkingDay(day) {
      if (!DAY.test(day)) throw new RangeError(`not a day: ${day}`);
      const d = utc(day);
      // The longest run of rest days in a year is the Spring Festival week plus a weekend.
      for (let i = 0; i < 40; i++, d.setUTCDate(d.getUTCDate() + 1)) if (isWorkingDay(iso(d))) return iso(d);
      throw new CalendarError(`no working day within 40 days of ${day}: the calendar data is wrong`);
    },
    covers: (day) => years.has(day.slice(0, 4)),
  };
}

/** The calendar shipped in src/summary/data/workdays.csv. */
export function seedCalendar(): WorkCalendar {
  return workCalendar(parseCalendar(readFileSync(projectPath('src/summary/data/workdays.csv'), 'utf8')));
}

/** The calendar in `file` when given (the whole replacement), else the seed. */
export function loadCalendar(file?: string): WorkCalendar {
  return file ? workCalendar(parseCalendar(readFileSync(file, 'utf8'))) : seedCalendar();
}

/** The month after 'YYYY-MM'. */
export function nextMonth(month: string): string {
  const m = MONTH.exec(month);
  if (!m) throw new RangeError(`not a month (YYYY-MM): ${month}`);
  const y = Number(m[1]), mo = Number(m[2]);
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
}

/** The day the summary of the lists closed in `month` is due. */
export function dueDate(month: string, calendar: WorkCalendar): string {
  return calendar.nextWorkingDay(`${nextMonth(month)}-${String(DUE_DAY).padStart(2, '0')}`);
}

/** 'YYYY-MM-DD' of an instant in Beijing time. */
export function beijingDay(at: Date): string {
  const d = formatCustomsTime(at, 'YYYYMMDD');
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
}

/** 'YYYY-MM' of an instant in Beijing time: the close month of a list closed then. */
export const beijingMonth = (at: Date): string => beijingDay(at).slice(0, 7);

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string): number => Math.round((utc(to).getTime() - utc(from).getTime()) / 86_400_000);
