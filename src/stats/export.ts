// Every table the statistics answer with can also leave as a file: CSV (UTF-8 with a BOM, so
// spreadsheet programs read the Chinese right) or xlsx, with headers in the caller's language.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { negotiateLocale, type Locale } from '../kernel/i18n/index.js';
import { fenToYuan } from '../kernel/money.js';
import { xlsx, type XlsxCell } from './xlsx.js';

export interface Column<T> {
  readonly zh: string;
  readonly en: string;
  value(row: T, locale: Locale): XlsxCell;
}

export interface Table<T> {
  /** File name stem (ASCII). */
  readonly name: string;
  readonly title: { readonly zh: string; readonly en: string };
  readonly columns: readonly Column<T>[];
  readonly rows: readonly T[];
}

export const FORMATS = ['csv', 'xlsx'] as const;
export type Format = (typeof FORMATS)[number];

/** Column helpers for rows of type T (pass the rows to fix T): text, the label, a number, fen as yuan, US cents as dollars. */
export function columnsOf<T>(_rows?: readonly T[]) {
  const money = (get: (r: T) => number | null | undefined) => (r: T): XlsxCell => { const v = get(r); return v === null || v === undefined ? null : { num: fenToYuan(v) }; };
  return {
    text: (zh: string, en: string, get: (r: T, locale: Locale) => string | null | undefined): Column<T> => ({ zh, en, value: (r, l) => get(r, l) ?? '' }),
    /** The row's label in the file's language. */
    label: (zh: string, en: string): Column<T> => ({ zh, en, value: (r, l) => { const x = r as { labelZh?: string; labelEn?: string }; return (l === 'en' ? x.labelEn : x.labelZh) ?? ''; } }),
    num: (zh: string, en: string, get: (r: T) => number | null | undefined): Column<T> => ({ zh, en, value: (r) => get(r) ?? null }),
    yuan: (zh: string, en: string, get: (r: T) => number | null | undefined): Column<T> => ({ zh, en, value: money(get) }),
    usd: (zh: string, en: string, get: (r: T) => number | null | undefined): Column<T> => ({ zh, en, value: money(get) }),
  };
}

/** RFC 4180 quoting; text starting with = + - @ gets a ' so spreadsheets do not run it as a formula. */
function csvField(v: XlsxCell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object') return v.num;
  const safe = /^[=+\-@]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const header = <T>(t: Table<T>, locale: Locale) => t.columns.map((c) => (locale === 'en' ? c.en : c.zh));

export function tableCsv<T>(t: Table<T>, locale: Locale): string {
  const lines = [header(t, locale).map(csvField).join(','), ...t.rows.map((r) => t.columns.map((c) => csvField(c.value(r, locale))).join(','))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export function tableXlsx<T>(t: Table<T>, locale: Locale): Buffer {
  return xlsx([{ name: locale === 'en' ? t.title.en : t.title.zh, header: header(t, locale), rows: t.rows.map((r) => t.columns.map((c) => c.value(r, locale))) }]);
}

/** Sends the table as a download in the asked format. */
export function sendTable<T>(request: FastifyRequest, reply: FastifyReply, format: Format, t: Table<T>): FastifyReply {
  const locale = negotiateLocale(request.headers['accept-language']);
  const file = `${t.name}.${format}`;
  const title = `${locale === 'en' ? t.title.en : t.title.zh}.${format}`;
  reply.header('content-disposition', `attachment; filename="${file}"; filename*=UTF-8''${encodeURIComponent(title)}`);
  if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(tableCsv(t, locale));
  return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(tableXlsx(t, locale));
}
