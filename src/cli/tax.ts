// silkgate tax quote FILE — the retail-import comprehensive tax of the lists in a CEB621 message.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { readBusinessMessage } from '../clearance/parse.js';
import type { Inventory, Order } from '../ceb/model/import-202205.js';
import type { Config } from '../kernel/config.js';
import { yuanToFen } from '../kernel/money.js';
import { parseRates, quoteInventory, quoteOrder, rateTable, seedRates } from '../tax/index.js';
import { productsOf } from '../tax/routes.js';
import { usage } from './usage.js';

const USAGE = 'tax quote FILE [--rates RATES.csv] [--day YYYY-MM-DD] [--ytd YUAN] [--pretty]';

export async function taxCommand(args: string[], config: Config): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { rates: { type: 'string' }, day: { type: 'string' }, ytd: { type: 'string' }, pretty: { type: 'boolean' } } });
  const file = positionals[0];
  if (sub !== 'quote' || !file) throw usage(USAGE);
  if (values.day !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.day as string)) throw usage(`${USAGE}\n  --day must be YYYY-MM-DD`);
  let ytd = 0;
  if (values.ytd !== undefined) {
    try {
      ytd = yuanToFen(values.ytd as string);
    } catch {
      throw usage(`${USAGE}\n  --ytd must be an amount in yuan, e.g. 15000 or 15000.50`);
    }
  }
  const rates = values.rates ? rateTable(parseRates(await readFile(values.rates as string, 'utf8'))) : seedRates();
  const read = readBusinessMessage(await readFile(file));
  if (!read?.message || (read.messageType !== 'CEB621Message' && read.messageType !== 'CEB311Message')) {
    process.stderr.write(`silkgate: ${file} is not a readable CEB621 or CEB311 message${read?.errors.length ? `: ${read.errors.slice(0, 3).map((e) => `${e.path} ${e.message.en}`).join('; ')}` : ''}\n`);
    return 1;
  }
  const common = { rates, yearToDateFen: ytd, ...(values.day ? { day: values.day as string } : {}) };
  let lists;
  if (read.messageType === 'CEB621Message') {
    lists = ((read.message.Inventory ?? []) as Inventory[]).map((l) => quoteInventory(l, common));
  } else {
    // An order's items resolve through the e-commerce enterprise's product records, kept in the database.
    const { createPlatform } = await import('../platform.js');
    const platform = await createPlatform(config);
    try {
      lists = [];
      for (const o of (read.message.Order ?? []) as Order[]) lists.push(quoteOrder(o, { ...common, products: await productsOf(platform.store, o.OrderHead.ebcCode) }));
    } finally {
      await platform.close();
    }
  }
  process.stdout.write(JSON.stringify({ messageType: read.messageType, lists }, null, values.pretty ? 2 : undefined) + '\n');
  return lists.every((l) => l.status === 'quoted') ? 0 : 1;
}
