// Registry rows through the project's bulk path vs raw better-sqlite3 prepared inserts in one
// transaction, both into a fresh, migrated SQLite file with the same indexes. Runs alternate so
// drift on a noisy machine hits both sides alike; medians are reported.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openStore } from '../src/db/store.js';
import { bulkInsertEnterprises, ENTERPRISE_COLUMNS } from '../src/registry/repository.js';
import type { EnterpriseTable } from '../src/registry/table.js';
import { usccCheckChar, USCC_ALPHABET } from '../src/registry/index.js';
import { line, median, type Figure } from './stats.js';

const ROWS = Number(process.env.BENCH_REGISTRY_ROWS ?? 20000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function rows(): { enterprises: EnterpriseTable[]; roles: string[][] } {
  const at = new Date().toISOString();
  const enterprises: EnterpriseTable[] = [];
  for (let n = 0; n < ROWS; n++) {
    let body = '';
    for (let i = 0, v = n; i < 9; i++, v = Math.floor(v / 31)) body = USCC_ALPHABET[v % 31] + body;
    const p = '91330782' + body;
    enterprises.push({
      id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, uscc: p + usccCheckChar(p),
      customs_code: '3318' + String(n).padStart(6, '0'), dxp_id: 'DXPENT' + String(n).padStart(10, '0'),
      name_zh: `义乌跨境电商企业${n}`, name_en: null, county: '330782', park: null, cluster: 'yiwu-commodities',
      credit_level: 'regular', credit_level_given: 'regular', status: 'active', address: null, contacts: '[]',
      created_at: at, updated_at: at, version: 1,
    });
  }
  return { enterprises, roles: enterprises.map(() => ['ebc']) };
}

async function freshStore(dir: string, name: string) {
  return openStore({ kind: 'sqlite', file: join(dir, `${name}.db`) });
}

export async function registryBench(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'silkgate-bench-'));
  const data = rows();
  const project: number[] = [];
  const raw: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      {
        const store = await freshStore(dir, `p${run}`);
        const t0 = performance.now();
        await bulkInsertEnterprises(store.bulk, data.enterprises, data.roles);
        project.push(ROWS / ((performance.now() - t0) / 1000));
        await store.close();
      }
      {
        const store = await freshStore(dir, `r${run}`); // same schema, migrated by the project
        await store.close();
        const db = new BetterSqlite3(join(dir, `r${run}.db`));
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        db.pragma('foreign_keys = ON');
        const ins = db.prepare(`INSERT INTO enterprises (${ENTERPRISE_COLUMNS.join(', ')}) VALUES (${ENTERPRISE_COLUMNS.map(() => '?').join(', ')})`);
        const insRole = db.prepare('INSERT INTO enterprise_roles (enterprise_id, role) VALUES (?, ?)');
        const t0 = performance.now();
        db.transaction(() => {
          for (const e of data.enterprises) {
            ins.run(ENTERPRISE_COLUMNS.map((c) => e[c]));
            insRole.run(e.id, 'ebc');
          }
        })();
        raw.push(ROWS / ((performance.now() - t0) / 1000));
        db.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return [{
    name: `registry.bulk_insert sqlite (${ROWS} rows + roles, median of ${RUNS})`, unit: 'rows/s',
    value: median(project), baselineName: 'raw better-sqlite3 prepared inserts, one transaction', baseline: median(raw),
    target: 'ratio ≥ 0.8',
  }];
}

export { line };
