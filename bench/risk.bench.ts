// Risk control's cost at intake (issue 8 part 6): the same import parcels (order + payment + waybill,
// 100 documents per message, as enterprises file them) through the intake — parse, sender check,
// risk rules, store, three-document match and list — with risk control on and, as the baseline,
// off, in alternating runs on fresh embedded databases. Dispatch to customs is left out so the
// figure is the intake's own. Target: rules cost ≤ 10 % of intake throughput (ratio ≥ 0.90).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/kernel/config.js';
import { createPlatform } from '../src/platform.js';
import { demoEnterprises } from '../src/zone/demo.js';
import { parseXmlSubmission } from '../src/clearance/parse.js';
import { createCustomsSimulator } from '../src/clearance/gateway/simulator.js';
import { importItemRecords } from '../src/clearance/traffic/items.js';
import type { Enterprise } from '../src/registry/model.js';
import { median, type Figure } from './stats.js';
import { importBlocks, type FiledMessage } from './parcels.js';

const PARCELS = Number(process.env.BENCH_RISK_PARCELS ?? 4000);
const RUNS = Number(process.env.BENCH_RISK_RUNS ?? 3);
const BLOCK = 100;

function messages(all: Enterprise[]): FiledMessage[] {
  return importBlocks(all, PARCELS, 20261128, BLOCK).flat();
}

async function run(dir: string, n: number, riskControl: boolean, data: { filer: string; xml: string }[] | undefined) {
  const platform = await createPlatform(loadConfig({ db: `sqlite:${join(dir, `r${n}.db`)}` }, {}), { gateway: createCustomsSimulator({ stepDelayMs: 0 }), riskControl });
  await platform.registry.importMany(demoEnterprises(platform.zone), 'bench');
  const all = (await platform.registry.list({ limit: 100 })).items;
  for (const e of all.filter((x) => x.roles.includes('ebc') && x.park)) await platform.pipeline.putItemRecords(e, importItemRecords());
  const d = data ?? messages(all);
  const byCode = new Map(all.map((e) => [e.customsCode!, e]));
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let held = 0;
  for (const m of d) {
    const a = await platform.pipeline.submit(byCode.get(m.filer)!, parseXmlSubmission(m.xml));
    held += a.receipts.filter((r) => r.status !== 'accepted').length;
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  // The process's own CPU time (all its threads): what the intake cost, whatever else ran on the machine.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const judged = riskControl ? Number((await platform.store.db.selectFrom('risk_results').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n) : 0;
  await platform.close();
  return { data: d, docs: PARCELS * 3, seconds, cpuSeconds, held, judged };
}

export async function riskBench(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'silkgate-bench-risk-'));
  const on: number[] = [];
  const off: number[] = [];
  const onCpu: number[] = [];
  const offCpu: number[] = [];
  let judged = 0;
  let data: { filer: string; xml: string }[] | undefined;
  try {
    // One run of each, discarded: the first run of a process pays for compiling the code paths.
    data = (await run(dir, 100, false, undefined)).data;
    await run(dir, 101, true, data);
    for (let i = 0; i < RUNS; i++) {
      const a = await run(dir, 2 * i, false, data);
      data = a.data;
      off.push(a.docs / a.seconds);
      offCpu.push(a.docs / a.cpuSeconds);
      const b = await run(dir, 2 * i + 1, true, data);
      on.push(b.docs / b.seconds);
      onCpu.push(b.docs / b.cpuSeconds);
      judged = b.judged;
      if (b.judged !== b.docs) throw new Error(`bench: risk judged ${b.judged} of ${b.docs} documents`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return [{
    name: `risk.intake by CPU time (the same runs: documents per second of the process's own CPU time, user + system — steady when other work shares the machine)`,
    unit: 'documents/CPU-s', value: median(onCpu), baselineName: 'risk control off', baseline: median(offCpu), target: 'ratio ≥ 0.90 (rules cost ≤ 10 %)',
  }, {
    name: `risk.intake (${PARCELS} import parcels = ${PARCELS * 3} documents, 100 per message, rules on every order, payment and waybill — ${judged} results stored; intake, match and list, no dispatch; embedded SQLite; median of ${RUNS} alternating runs after one discarded warm-up run of each)`,
    unit: 'documents/s', value: median(on), baselineName: 'the same intake with risk control off', baseline: median(off), target: 'ratio ≥ 0.90 (rules cost ≤ 10 %)',
  }];
}
