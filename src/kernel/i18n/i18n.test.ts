import { describe, expect, it } from 'vitest';
import { negotiateLocale, text } from './index.js';
import { zhCN } from './zh-CN.js';
import { en } from './en.js';

describe('messages', () => {
  it('fills placeholders in both languages', () => {
    const t = text('USCC_CHECK_CHAR', { expected: '3', actual: '4' });
    expect(t['zh-CN']).toContain('第 18 位应为 3，实际为 4');
    expect(t.en).toContain('should be 3, not 4');
  });
  it('has the same placeholders in both catalogues for every code', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const code of Object.keys(zhCN) as (keyof typeof zhCN)[]) {
      expect(names(en[code]), code).toEqual(names(zhCN[code]));
    }
  });
  it.each([
    [undefined, 'zh-CN'], ['en', 'en'], ['en-US,en;q=0.9', 'en'], ['zh-TW', 'zh-CN'], ['fr, en;q=0.5', 'en'],
    ['de', 'zh-CN'], ['zh;q=0.1, en;q=0.9', 'en'], ['en;q=0, zh', 'zh-CN'],
  ])('Accept-Language %s → %s', (header, locale) => {
    expect(negotiateLocale(header)).toBe(locale);
  });
});
