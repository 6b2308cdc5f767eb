// Codes live in the code, words in the catalogues. zh-CN is the default locale.
import { zhCN } from './zh-CN.js';
import { en } from './en.js';

export type Locale = 'zh-CN' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

/** A user-facing message in every locale. */
export type Text = Readonly<Record<Locale, string>>;

export type MessageCode = keyof typeof zhCN;
export type Params = Readonly<Record<string, string | number | boolean | null | undefined>>;

const catalogues: Record<Locale, Record<MessageCode, string>> = { 'zh-CN': zhCN, en };

function fill(template: string, params: Params): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const v = params[key];
    return v === undefined || v === null ? whole : String(v);
  });
}

/** The message for `code` in every locale, with `{name}` placeholders filled from `params`. */
export function text(code: MessageCode, params: Params = {}): Text {
  return { 'zh-CN': fill(catalogues['zh-CN'][code], params), en: fill(catalogues.en[code], params) };
}

/**
 * Picks the locale from an Accept-Language header: the first supported language by q-value,
 * zh-CN when nothing matches. Any "zh" variant maps to zh-CN; any "en" variant to en.
 */
export function negotiateLocale(header: string | undefined): Locale {
  if (!header) return DEFAULT_LOCALE;
  const ranked = header.split(',').map((part, i) => {
    const [tag = '', ...attrs] = part.trim().split(';');
    const q = attrs.map((a) => a.trim()).find((a) => a.startsWith('q='));
    return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1, i };
  }).sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag, q } of ranked) {
    if (q <= 0) continue;
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return DEFAULT_LOCALE;
}
