// silkgate status KIND KEY — GET /api/v1/status/:kind/:key from the command line: a document or
// list with its state, match result, receipts and history.
import { parseArgs } from 'node:util';
import type { Config } from '../kernel/config.js';
import { text, type Locale, type MessageCode, type Text } from '../kernel/i18n/index.js';
import { createPlatform } from '../platform.js';
import type { Principal } from '../registry/index.js';
import { STATUS_KINDS, type StatusView } from '../clearance/query.js';
import { principalOf } from './intake.js';
import { table } from './output.js';
import { usage } from './usage.js';

// Operators run the CLI on the server, so without a token it sees what the zone office sees.
const OPERATOR: Principal = { kind: 'admin', tokenId: 'cli' };

/** The readable form; `filer` names the enterprise that filed it (the view carries only its id). */
export function renderStatus(v: StatusView, locale: Locale, filer = v.filedBy): string {
  const w = (code: MessageCode, params = {}) => text(code, params)[locale];
  const none = `  ${w('CLI_STATUS_NONE')}`;
  const lines = [`${w(`CLI_STATUS_${v.kind.toUpperCase()}` as MessageCode)}  ${v.key}  (${v.messageType})`];
  const head: [string, string][] = [[w('CLI_STATUS_STATE'), v.state], [w('CLI_STATUS_FILED_BY'), filer], [w('CLI_STATUS_UPDATED'), v.updatedAt]];
  if (v.numbers) head.push([w('CLI_STATUS_NUMBERS'), `copNo ${v.numbers.copNo}  preNo ${v.numbers.preNo ?? '—'}  invtNo ${v.numbers.invtNo ?? '—'}`]);
  head.push([w('CLI_STATUS_MATCH'), v.match ? v.match.state : w('CLI_STATUS_NO_PARCEL')]);
  lines.push(table(head.map(([k, x]) => [`  ${k}`, x])));
  for (const m of v.match?.mismatches ?? []) {
    const where = w('CLI_STATUS_MISMATCH', { document: m.document.replace(/Message$/, ''), field: m.field, expected: m.expected, found: m.found });
    // The zh-CN words are what customs would say; an English reader gets both.
    lines.push(`    ✗ ${where}`, `      ${m.code ?? '—'}  ${m.message['zh-CN']}${locale === 'en' ? `\n      ${m.message.en}` : ''}`);
  }
  lines.push(`${w('CLI_STATUS_RECEIPTS')}:`);
  lines.push(v.receipts.length ? table(v.receipts.map((r) => [`  ${r.returnStatus}`, r.returnTime, r.returnInfo])) : none);
  lines.push(`${w('CLI_STATUS_HISTORY')}:`);
  lines.push(v.history.length ? table(v.history.map((h) => {
    const subject = (h as { subject?: string }).subject;
    const cause = h.cause as { message?: Text } | null;
    return [`  ${h.at}`, `${subject && subject !== 'document' ? `${subject} ` : ''}${h.from ?? '—'} → ${h.to}`, h.actor, cause?.message?.[locale] ?? ''];
  })) : none);
  return lines.join('\n') + '\n';
}

export async function statusCommand(args: string[], config: Config, locale: Locale): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { token: { type: 'string' }, json: { type: 'boolean' } },
  });
  const [kind, key] = positionals;
  if (!kind || !key || !(STATUS_KINDS as readonly string[]).includes(kind)) {
    throw usage('status order|payment|waybill|inventory KEY [--token TOKEN] [--json]   (KEY: code:number; for inventory copNo, preNo or invtNo)');
  }
  const platform = await createPlatform(config);
  try {
    const principal = values.token ? await principalOf(platform, values.token, locale) : OPERATOR;
    const view = await platform.clearance.status(principal, kind, key);
    if (values.json) {
      process.stdout.write(JSON.stringify(view, null, 2) + '\n');
      return 0;
    }
    const filer = await platform.registry.get(view.filedBy).then((e) => `${e.nameZh} (${e.uscc})`, () => view.filedBy);
    process.stdout.write(renderStatus(view, locale, filer));
    return 0;
  } finally {
    await platform.close();
  }
}
