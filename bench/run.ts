// npm run bench: every capability's benchmarks, one line per figure with its same-run baseline.
import { line, type Figure } from './stats.js';
import { registryBench } from './registry.bench.js';
import { cebBench } from './ceb.bench.js';
import { clearanceBench } from './clearance.bench.js';
import { signingBench } from './signing.bench.js';
import { summaryBench } from './summary.bench.js';
import { riskBench } from './risk.bench.js';

const benches: [string, () => Promise<Figure[]>][] = [['registry', registryBench], ['ceb', cebBench], ['clearance', clearanceBench], ['signing', signingBench], ['summary', summaryBench], ['risk', riskBench]];
const only = process.argv[2];

for (const [name, bench] of benches) {
  if (only && only !== name) continue;
  for (const f of await bench()) console.log(line(f));
}
