import { AppError } from '../kernel/errors.js';
import { DEFAULT_LOCALE, type Locale } from '../kernel/i18n/index.js';

export const cliLocale = (flag?: string, env: NodeJS.ProcessEnv = process.env): Locale => {
  const v = (flag ?? env.SILKGATE_LANG ?? env.LC_ALL ?? env.LANG ?? '').toLowerCase();
  return v.startsWith('en') ? 'en' : DEFAULT_LOCALE;
};

/** One line per problem on stderr; returns the exit code (1 for a refused request, 2 for usage/config). */
export function reportError(err: unknown, locale: Locale): number {
  if (err instanceof AppError) {
    process.stderr.write(`silkgate: ${err.code}: ${err.text[locale]}\n`);
    for (const i of err.issues) process.stderr.write(`  ${i.path}  ${i.code}  ${i.message[locale]}\n`);
    return err.code === 'CONFIG_INVALID' ? 2 : 1;
  }
  // Files that are not there, and the signing layer's own refusals, are one line, not a stack.
  const e = err as NodeJS.ErrnoException | undefined;
  if (e?.code === 'ENOENT' || e?.code === 'EACCES' || e?.code === 'EISDIR') {
    process.stderr.write(`silkgate: ${e.message}\n`);
    return 1;
  }
  if (e?.name === 'SignerError' || e?.name === 'DerError' || e?.name === 'KeyError' || e?.name === 'RateTableError') {
    process.stderr.write(`silkgate: ${e.message}\n`);
    return 1;
  }
  process.stderr.write(`silkgate: ${e?.stack ?? String(err)}\n`);
  return 1;
}

/** A plain aligned text table (CJK characters count as two columns). */
export function table(rows: readonly (readonly string[])[]): string {
  const width = (s: string) => [...s].reduce((n, c) => n + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(c) ? 2 : 1), 0);
  const cols = Math.max(...rows.map((r) => r.length));
  const w = Array.from({ length: cols }, (_, i) => Math.max(...rows.map((r) => width(r[i] ?? ''))));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(w[i]! - width(c)))).join('  ')).join('\n');
}
