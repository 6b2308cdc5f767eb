import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Config } from '../kernel/config.js';
import { parseCsv } from '../kernel/csv.js';
import type { Locale } from '../kernel/i18n/index.js';
import { createPlatform } from '../platform.js';
import type { Enterprise, EnterpriseInput } from '../registry/index.js';
import { ROLES } from '../registry/index.js';
import { table } from './output.js';
import { usage } from './usage.js';

const ACTOR = `cli:${process.env.USER ?? 'operator'}`;
/** A whole-number flag within bounds, or a usage error naming the flag. */
function count(text: string | undefined, fallback: number, max: number, flag: string): number {
  if (text === undefined) return fallback;
  if (!/^\d{1,10}$/.test(text) || Number(text) > max) throw usage(`enterprise list ${flag} N (a whole number up to ${max})`);
  return Number(text);
}

const splitList = (v: string | undefined) => (v ? v.split(/[\s,;|]+/).filter(Boolean) : []);

function show(e: Enterprise, locale: Locale): string {
  const roleName = (code: string) => ROLES.find((r) => r.code === code)?.[locale === 'en' ? 'en' : 'zh'] ?? code;
  const rows: [string, string][] = [
    ['id', e.id], ['uscc', e.uscc], ['customsCode', e.customsCode ?? ''], ['dxpId', e.dxpId ?? ''],
    ['nameZh', e.nameZh], ['nameEn', e.nameEn ?? ''], ['roles', e.roles.map(roleName).join(', ')],
    ['county', e.county ?? ''], ['park', e.park ?? ''], ['cluster', e.cluster ?? ''],
    ['creditLevel', e.creditLevel + (e.creditLevelGiven !== e.creditLevel ? ` (${e.creditLevelGiven})` : '')],
    ['status', e.status], ['address', e.address ?? ''], ['version', String(e.version)], ['updatedAt', e.updatedAt],
  ];
  return table(rows);
}

/** A CSV row or JSON object as registry input; CSV roles and contacts are lists in one cell. */
export function inputFromRecord(r: Record<string, unknown>): EnterpriseInput {
  const str = (k: string) => (r[k] === undefined || r[k] === '' ? undefined : String(r[k]));
  const roles = Array.isArray(r.roles) ? (r.roles as string[]) : splitList(str('roles'));
  const out: EnterpriseInput = { uscc: str('uscc') ?? '', nameZh: str('nameZh') ?? '', roles };
  for (const k of ['customsCode', 'dxpId', 'nameEn', 'county', 'park', 'cluster', 'creditLevel', 'status', 'address'] as const) {
    const v = str(k);
    if (v !== undefined) (out as unknown as Record<string, string>)[k] = v;
  }
  if (Array.isArray(r.contacts)) out.contacts = r.contacts as EnterpriseInput['contacts'];
  return out;
}

export async function readRecords(file: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(file, 'utf8');
  if (/\.csv$/i.test(file)) return parseCsv(text);
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) return JSON.parse(trimmed) as Record<string, unknown>[];
  return trimmed.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
}

export async function enterpriseCommand(args: string[], config: Config, locale: Locale): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      uscc: { type: 'string' }, name: { type: 'string' }, 'name-en': { type: 'string' }, roles: { type: 'string' },
      'customs-code': { type: 'string' }, 'dxp-id': { type: 'string' }, county: { type: 'string' }, park: { type: 'string' },
      cluster: { type: 'string' }, 'credit-level': { type: 'string' }, address: { type: 'string' }, status: { type: 'string' },
      q: { type: 'string' }, role: { type: 'string' }, limit: { type: 'string' }, offset: { type: 'string' },
      json: { type: 'boolean' }, label: { type: 'string' },
    },
  });
  const platform = await createPlatform(config);
  try {
    const { registry } = platform;
    switch (sub) {
      case 'add': {
        const input = inputFromRecord({
          uscc: values.uscc, nameZh: values.name, nameEn: values['name-en'], roles: values.roles,
          customsCode: values['customs-code'], dxpId: values['dxp-id'], county: values.county, park: values.park,
          cluster: values.cluster, creditLevel: values['credit-level'], address: values.address, status: values.status,
        });
        const e = await registry.create(input, ACTOR);
        process.stdout.write(values.json ? JSON.stringify(e, null, 2) + '\n' : show(e, locale) + '\n');
        return 0;
      }
      case 'import': {
        const file = positionals[0];
        if (!file) throw usage('enterprise import FILE(.csv|.json|.jsonl)');
        const records = await readRecords(file);
        const n = await registry.importMany(records.map(inputFromRecord), ACTOR);
        process.stdout.write(JSON.stringify({ imported: n }) + '\n');
        return 0;
      }
      case 'list': {
        const page = await registry.list({
          q: values.q, role: values.role, county: values.county, park: values.park, cluster: values.cluster,
          status: values.status, creditLevel: values['credit-level'],
          limit: count(values.limit, 50, 500, '--limit'), offset: count(values.offset, 0, 2147483647, '--offset'),
        });
        if (values.json) {
          process.stdout.write(JSON.stringify(page, null, 2) + '\n');
        } else {
          const rows = [['USCC', 'customs', 'name', 'roles', 'county', 'credit'],
            ...page.items.map((e) => [e.uscc, e.customsCode ?? '', e.nameZh, e.roles.join(','), e.county ?? '', e.creditLevel])];
          const to = page.offset + page.items.length;
          process.stdout.write(`${table(rows)}\n${page.items.length ? page.offset + 1 : 0}–${to} / ${page.total}\n`);
        }
        return 0;
      }
      case 'show': {
        const ref = positionals[0];
        if (!ref) throw usage('enterprise show ID|USCC|CUSTOMS_CODE');
        const e = await registry.get(ref);
        process.stdout.write(values.json ? JSON.stringify(e, null, 2) + '\n' : show(e, locale) + '\n');
        return 0;
      }
      case 'token': {
        const ref = positionals[0];
        if (!ref) throw usage('enterprise token ID|USCC [--label L]');
        const t = await registry.issueToken(ref, values.label ?? 'cli', ACTOR);
        process.stdout.write(JSON.stringify(t, null, 2) + '\n');
        return 0;
      }
      default:
        throw usage('enterprise add|import|list|show|token');
    }
  } finally {
    await platform.close();
  }
}
