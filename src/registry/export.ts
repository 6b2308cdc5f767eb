import type { EnterpriseQuery } from './model.js';
import type { RegistryService } from './service.js';

const HEADER = ['id', 'uscc', 'customsCode', 'dxpId', 'nameZh', 'nameEn', 'roles', 'county', 'park', 'cluster', 'creditLevel', 'status', 'address', 'createdAt', 'updatedAt'] as const;

/** RFC 4180 quoting; a leading = + - @ is prefixed with ' so spreadsheets do not run it as a formula. */
export function csvField(value: string): string {
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export async function enterprisesCsv(registry: RegistryService, query: EnterpriseQuery): Promise<string> {
  const lines = [HEADER.join(',')];
  for (let offset = 0; ; offset += 500) {
    const page = await registry.list({ ...query, limit: 500, offset });
    for (const e of page.items) {
      lines.push(HEADER.map((h) => csvField(h === 'roles' ? e.roles.join(' ') : String(e[h] ?? ''))).join(','));
    }
    if (offset + page.items.length >= page.total || page.items.length === 0) break;
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
