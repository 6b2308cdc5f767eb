// The tax engine's public face.
import { readFileSync } from 'node:fs';
import { projectPath } from '../kernel/paths.js';
import { parseRates, rateTable, type RateTable } from './rates.js';
import { parsePositiveList, positiveList, type PositiveList } from './positive.js';

export { quoteTax, SINGLE_LIMIT_FEN, ANNUAL_LIMIT_FEN, type TaxQuote, type TaxInput, type TaxLineInput, type LineRates } from './compute.js';
export { parseRates, rateTable, RateTableError, type RateEntry, type RateTable } from './rates.js';
export { quoteInventory, quoteOrder, type ListQuote, type QuoteOptions, type ProductFacts } from './quote.js';

export { parsePositiveList, positiveList, createPositiveListCheck, type PositiveList, type ListLine } from './positive.js';

/** The seeded positive list (src/tax/data/positive-list.csv: the demo catalogue's lines only). */
export function seedPositiveList(): PositiveList {
  return positiveList(parsePositiveList(readFileSync(projectPath('src/tax/data/positive-list.csv'), 'utf8')));
}

/** The seeded rate table shipped with the platform (src/tax/data/rates.csv). */
export function seedRates(): RateTable {
  return rateTable(parseRates(readFileSync(projectPath('src/tax/data/rates.csv'), 'utf8')));
}

/** The rate table and positive list in force: the files configured, else the seed. A bad file stops the start with its problems. */
export function loadTaxData(files: { rates?: string | undefined; positiveList?: string | undefined }): { rates: RateTable; positiveList: PositiveList } {
  return {
    rates: files.rates ? rateTable(parseRates(readFileSync(files.rates, 'utf8'))) : seedRates(),
    positiveList: files.positiveList ? positiveList(parsePositiveList(readFileSync(files.positiveList, 'utf8'))) : seedPositiveList(),
  };
}
