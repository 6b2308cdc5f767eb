// End-to-end clearance on the embedded database: complete import parcels (order + payment +
// waybill as CEB XML, 100 documents per message as enterprises file them) through the intake
// (parse, sender check, store), the three-document match, the list, the customs simulator's
// receipts (2 → 3 → 120 → 399 → 800 → 899) and their storage. The baseline is the raw ceiling:
// the same XML parsed and the same rows inserted with prepared statements and no logic.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { loadConfig } from '../src/kernel/config.js';
import { createPlatform } from '../src/platform.js';
import { demoEnterprises } from '../src/zone/demo.js';
import { readMessage } from '../src/ceb/codec.js';
import { parseXmlSubmission } from '../src/clearance/parse.js';
import { createCustomsSimulator } from '../src/clearance/gateway/simulator.js';
import { importItemRecords } from '../src/clearance/traffic/items.js';
import { openStore } from '../src/db/store.js';
import type { Enterprise } from '../src/registry/model.js';
import { median, type Figure } from './stats.js';
import { importBlocks, type FiledMessage } from './parcels.js';
import { provisionDemoKeys } from '../src/signing/demo.js';

const PARCELS = Number(process.env.BENCH_CLEARANCE_PARCELS ?? 6000);
const RUNS = Number(process.env.BENCH_CLEARANCE_RUNS ?? 3);
const BLOCK = 100;
const TABLES = ['ceb_documents', 'intake_guids', 'parcels', 'inventories', 'receipts', 'clearance_events', 'buyer_quotas', 'outbox'] as const;

/** The parcels as the enterprises would file them: per block of 100, one message per type and filer. */
function messages(all: Enterprise[]): { blocks: FiledMessage[][]; parcels: number } {
  return { blocks: importBlocks(all, PARCELS, 20261127, BLOCK), parcels: PARCELS };
}

async function projectRun(dir: string, run: number, data: ReturnType<typeof messages> | undefined) {
  const file = join(dir, `p${run}.db`);
  const gateway = createCustomsSimulator({ stepDelayMs: 0, seed: run + 1 });
  const decisions: number[] = [];
  // Each parcel's decision time: from its last document being stored to the commit of its match.
  const observe = { decision: (ms: number, parcels: number) => { for (let i = 0; i < parcels; i++) decisions.push(ms); } };
  const platform = await createPlatform(loadConfig({ db: `sqlite:${file}` }, {}), { gateway, observe });
  await platform.registry.importMany(demoEnterprises(platform.zone), 'bench');
  await provisionDemoKeys(platform.keystore, (await platform.registry.list({ limit: 100 })).items, 'bench');
  const all = (await platform.registry.list({ limit: 100 })).items;
  for (const e of all.filter((x) => x.roles.includes('ebc') && x.park)) await platform.pipeline.putItemRecords(e, importItemRecords());
  const d = data ?? messages(all);
  const byCode = new Map(all.map((e) => [e.customsCode!, e]));
  await platform.pipeline.start();
  const t0 = performance.now();
  for (const block of d.blocks) {
    for (const m of block) await platform.pipeline.submit(byCode.get(m.filer)!, parseXmlSubmission(m.xml));
  }
  await platform.pipeline.drain();
  const seconds = (performance.now() - t0) / 1000;
  const counts = await platform.store.db.selectFrom('inventories').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('state').execute();
  const ended = counts.filter((c) => ['closed', 'rejected', 'returned', 'detained'].includes(c.state)).reduce((s, c) => s + Number(c.n), 0);
  // Parcels risk control holds for a person (a document of theirs in state 'held') get no list: their
  // order number is the last part of the order's key and of the payment's and waybill's links.
  const heldDocs = await platform.store.db.selectFrom('ceb_documents').select(['doc_key', 'link_key', 'message_type']).where('state', '=', 'held').execute();
  const held = new Set(heldDocs.map((r) => (r.message_type === 'CEB311Message' ? r.doc_key : r.link_key ?? r.doc_key).split('|').pop())).size;
  if (ended + held !== d.parcels) throw new Error(`bench: only ${ended} of ${d.parcels} lists reached an end state (${held} parcels held for review): ${JSON.stringify(counts)}`);
  await platform.close();
  return { data: d, file, seconds, decisions, held };
}

/** The same XML parsed, the same rows inserted, in as many transactions, with no logic at all. */
async function rawRun(dir: string, run: number, data: ReturnType<typeof messages>, source: string): Promise<number> {
  const file = join(dir, `r${run}.db`);
  (await openStore({ kind: 'sqlite', file })).close(); // same schema, migrated by the project
  const src = new BetterSqlite3(source, { readonly: true });
  const rows = Object.fromEntries(TABLES.map((t) => [t, src.prepare(`SELECT * FROM ${t}`).raw().all() as unknown[][]]));
  const columns = Object.fromEntries(TABLES.map((t) => [t, src.prepare(`SELECT * FROM ${t} LIMIT 0`).columns().map((c) => c.name)]));
  src.close();
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const inserts = TABLES.map((t) => db.prepare(`INSERT INTO ${t} (${columns[t]!.join(',')}) VALUES (${columns[t]!.map(() => '?').join(',')})`));
  const blocks = data.blocks.length;
  const t0 = performance.now();
  for (let b = 0; b < blocks; b++) {
    for (const m of data.blocks[b]!) readMessage(m.xml);
    db.transaction(() => {
      TABLES.forEach((t, i) => {
        const all = rows[t]!;
        const from = Math.floor((all.length * b) / blocks);
        const to = Math.floor((all.length * (b + 1)) / blocks);
        for (let r = from; r < to; r++) inserts[i]!.run(all[r]!);
      });
    })();
  }
  const seconds = (performance.now() - t0) / 1000;
  db.close();
  return data.parcels / seconds;
}

export async function clearanceBench(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'silkgate-bench-clearance-'));
  const rates: number[] = [];
  const raws: number[] = [];
  const decisions: number[] = [];
  let held = 0;
  let data: ReturnType<typeof messages> | undefined;
  try {
    for (let run = 0; run < RUNS; run++) {
      const p = await projectRun(dir, run, data);
      data = p.data;
      rates.push(p.data.parcels / p.seconds);
      decisions.push(...p.decisions);
      held = p.held;
      // BENCH_CLEARANCE_RAW=0 skips the baseline (for profiling the project side alone).
      raws.push(process.env.BENCH_CLEARANCE_RAW === '0' ? NaN : await rawRun(dir, run, p.data, p.file));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const sorted = [...decisions].sort((a, b) => a - b);
  const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!;
  const p50 = sorted[Math.floor(sorted.length / 2)]!;
  const rate = median(rates);
  const raw = median(raws);
  const label = `${PARCELS} import parcels (${held} held for review by risk control), 100 documents per message, simulator receipts stored, embedded SQLite, median of ${RUNS}`;
  return [
    { name: `clearance.end_to_end (${label})`, unit: 'parcels/s', value: rate, baselineName: 'raw ceiling: same XML parsed + same rows inserted, no logic', baseline: raw, target: 'ratio ≥ 0.5; ≥ 1,500 parcels/s' },
    { name: 'clearance.end_to_end documents (order + payment + waybill + list)', unit: 'documents/s', value: rate * 4, baselineName: 'raw ceiling', baseline: raw * 4, target: '≥ 6,000 documents/s' },
    { name: `clearance.match_decision p99 (last document stored → match committed, per parcel; p50 ${p50.toFixed(1)} ms; ${sorted.length} parcels)`, unit: 'ms', value: p99, baselineName: 'target', baseline: 50, target: 'p99 ≤ 50 ms (ratio ≤ 1)' },
  ];
}
