// Customs time formats (spec 202205 §3: time fields are Beijing time without a zone marker).
// China has used UTC+8 all year since 1991, so the conversion is a fixed offset.

export type CustomsTimeFormat = 'YYYYMMDDhhmmss' | 'YYYYMMDDhhmmssSSS' | 'YYYYMMDD';

const OFFSET_MS = 8 * 3600 * 1000;
const PATTERNS: Record<CustomsTimeFormat, RegExp> = {
  YYYYMMDD: /^(\d{4})(\d{2})(\d{2})$/,
  YYYYMMDDhhmmss: /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/,
  YYYYMMDDhhmmssSSS: /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})$/,
};

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function formatCustomsTime(at: Date, format: CustomsTimeFormat = 'YYYYMMDDhhmmss'): string {
  const t = new Date(at.getTime() + OFFSET_MS);
  const date = `${t.getUTCFullYear()}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}`;
  if (format === 'YYYYMMDD') return date;
  const time = `${pad(t.getUTCHours())}${pad(t.getUTCMinutes())}${pad(t.getUTCSeconds())}`;
  return format === 'YYYYMMDDhhmmss' ? date + time : date + time + pad(t.getUTCMilliseconds(), 3);
}

/** Which customs format `text` is written in, by its length and digits; undefined if none. */
export function detectCustomsTimeFormat(text: string): CustomsTimeFormat | undefined {
  return (Object.keys(PATTERNS) as CustomsTimeFormat[]).find((f) => PATTERNS[f].test(text));
}

/**
 * Parses a customs time. Rejects impossible dates (20230230) rather than rolling them over,
 * which Date.UTC would do silently.
 */
export function parseCustomsTime(text: string, format?: CustomsTimeFormat): Date {
  const f = format ?? detectCustomsTimeFormat(text);
  const m = f ? PATTERNS[f].exec(text) : null;
  if (!f || !m) throw new RangeError(`not a customs time: "${text}"`);
  const [y, mo, d, h = 0, mi = 0, s = 0, ms = 0] = m.slice(1).map(Number) as number[];
  const utc = Date.UTC(y!, mo! - 1, d!, h, mi, s, ms);
  const back = new Date(utc);
  if (
    back.getUTCFullYear() !== y || back.getUTCMonth() !== mo! - 1 || back.getUTCDate() !== d ||
    back.getUTCHours() !== h || back.getUTCMinutes() !== mi || back.getUTCSeconds() !== s
  ) throw new RangeError(`not a valid date/time: "${text}"`);
  return new Date(utc - OFFSET_MS);
}

/** The Beijing calendar day (YYYY-MM-DD) of an ISO-8601 instant: customs days are Beijing days. */
export function beijingDay(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);
}
