// silkgate summary build — the monthly consolidation of a 收发货人's closed B export lists: the
// CEB701 XML file(s) into --out and a JSON summary (groups, lines, lists, due date) on stdout.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../kernel/config.js';
import { createSummaries, loadCalendar } from '../summary/index.js';
import { usage } from './usage.js';

export const SUMMARY_USAGE = 'summary build --ebc CODE --month YYYY-MM [--flag 1|2] [--item-name] [--mode declaration|statistics] [--customs CODE] [--out DIR] [--calendar FILE.csv] [--pretty]';

export async function summaryCommand(args: string[], config: Config): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest, allowPositionals: false,
    options: {
      ebc: { type: 'string' }, month: { type: 'string' }, flag: { type: 'string' }, 'item-name': { type: 'boolean' }, mode: { type: 'string' },
      customs: { type: 'string' }, out: { type: 'string' }, calendar: { type: 'string' }, pretty: { type: 'boolean' },
    },
  });
  if (sub !== 'build' || !values.ebc || !values.month) throw usage(SUMMARY_USAGE);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(values.month)) throw usage(`${SUMMARY_USAGE}\n  --month must be YYYY-MM`);
  const flag = values.flag ?? '1';
  if (flag !== '1' && flag !== '2') throw usage(`${SUMMARY_USAGE}\n  --flag is 1 (by 收发货人) or 2 (by 收发货人 and 生产销售单位)`);
  const mode = values.mode ?? 'declaration';
  if (mode !== 'declaration' && mode !== 'statistics') throw usage(`${SUMMARY_USAGE}\n  --mode is declaration (汇总申报) or statistics (汇总统计)`);
  const { createPlatform } = await import('../platform.js');
  const platform = await createPlatform(config);
  try {
    const summaries = createSummaries({ store: platform.store, calendar: loadCalendar(values.calendar) });
    const ebc = await platform.registry.get(values.ebc).catch(() => undefined);
    const built = await summaries.build({
      ebcCode: values.ebc, ebcName: ebc?.nameZh ?? values.ebc, month: values.month, customsCode: await summaries.customsOf(values.ebc, values.month, values.customs),
      summaryFlag: flag, itemNameFlag: values['item-name'] ?? false, mode,
      transfer: ebc ? { copCode: ebc.customsCode ?? ebc.uscc, copName: ebc.nameZh, dxpId: ebc.dxpId ?? '' } : undefined,
    }, 'cli');
    const files: string[] = [];
    if (mode === 'declaration') {
      const dir = values.out ?? '.';
      await mkdir(dir, { recursive: true });
      // The same bytes writeMessage gives, streamed from the database on SQLite (millions of lists a month).
      for await (const m of summaries.messageXml(built.id)) {
        const file = join(dir, `CEB701_${built.copNo}_${String(m.seq).padStart(3, '0')}.xml`);
        await writeFile(file, m.chunks);
        files.push(file);
      }
    }
    const out = {
      id: built.id, ebcCode: built.ebcCode, month: built.month, customsCode: built.customsCode, mode: built.mode, state: built.state, copNo: built.copNo,
      dueDate: built.dueDate, groups: built.counts.groups, lines: built.counts.items, lists: built.counts.lists, listLines: built.counts.lines, files,
    };
    process.stdout.write(JSON.stringify(out, null, values.pretty ? 2 : undefined) + '\n');
    return 0;
  } finally {
    await platform.close();
  }
}
