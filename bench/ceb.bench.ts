// The codec on the intake hot path: read + check + write of a realistic CEB311 (one order, three
// lines, Chinese text) against fast-xml-parser's plain parse of the same text, in the same run.
import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { readMessage, writeMessage } from '../src/ceb/codec.js';
import { projectPath } from '../src/kernel/paths.js';
import { median, rate as rateOf, type Figure } from './stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BATCH_MS = Number(process.env.BENCH_CEB_MS ?? 600);

const rate = (work: () => void) => rateOf(work, BATCH_MS, 50);

export async function cebBench(): Promise<Figure[]> {
  const xml = readFileSync(projectPath('test/fixtures/ceb/ceb311-realistic.xml'), 'utf8');
  const first = readMessage(xml);
  if (!first.valid) throw new Error('bench fixture is not valid: ' + JSON.stringify(first.errors));
  const parser = new XMLParser();
  const ours = () => {
    const r = readMessage(xml);
    if (!r.valid) throw new Error('invalid');
    writeMessage(r.messageType!, r.message!);
  };
  const theirs = () => parser.parse(xml);
  // Warm both up, then alternate so machine noise hits both sides alike.
  rate(ours);
  rate(theirs);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    a.push(rate(ours));
    b.push(rate(theirs));
  }
  const kb = (Buffer.byteLength(xml) / 1024).toFixed(1);
  return [{
    name: `ceb.read_check_write CEB311 (3 lines, ${kb} KB, one core, median of ${RUNS})`, unit: 'msg/s',
    value: median(a), baselineName: 'fast-xml-parser 5 plain parse', baseline: median(b),
    // The absolute target (20,000 msg/s) was set when fast-xml-parser did ~3,000/s here:
    // on a slower or busier machine the same code scores lower, so the ratio is what carries over.
    target: 'ratio ≥ 4; 20,000 msg/s at the issue\'s reference of ~3,000/s for fast-xml-parser ≙ ratio ≥ 6.7',
  }];
}
