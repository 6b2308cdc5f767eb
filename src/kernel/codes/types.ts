/** A row of a customs code table. `en` is null where the source has no English name. */
export interface SimpleCode {
  readonly code: string;
  readonly zh: string;
  readonly en?: string | null;
  readonly note?: string | null;
}

export interface CountryCode extends SimpleCode {
  /** ISO 3166-1 alpha-3, or null where the customs entry has no ISO code of its own. */
  readonly iso3: string | null;
}

export interface CurrencyCode extends SimpleCode {
  /** ISO 4217 alphabetic code, or null (398 记帐瑞士法郎 has none). */
  readonly iso4217: string | null;
}
