// `silkgate summary build` on a database holding a month of closed export lists: it writes the
// CEB701 file(s) that pass the codec's checks and prints the preview (groups, lines, lists, due date).
import { requireBuild, silkgate } from './support/cli.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/db/store.js';
import { createSummaries, recordClosedLists, seedCalendar } from '../src/summary/index.js';
import { exportList } from '../src/summary/fixtures.js';
import { readMessage } from '../src/ceb/codec.js';

let dir: string;


beforeAll(async () => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'silkgate-summary-'));
  const store = await openStore({ kind: 'sqlite', file: join(dir, 'silkgate.db') });
  // October 2026: two lists to the US of the same goods, one to Germany; one simplified (A) list that is not summarised.
  await store.db.transaction().execute((trx) => recordClosedLists(trx, [
    { invtNo: '290020260000000001', closedAt: new Date('2026-10-10T02:00:00Z'), body: exportList({ invtNo: '290020260000000001', ebcCode: '3318900002', lines: [{ gcode: '9505100000', qty: '12', totalPrice: '36' }] }) },
    { invtNo: '290020260000000002', closedAt: new Date('2026-10-20T02:00:00Z'), body: exportList({ invtNo: '290020260000000002', ebcCode: '3318900002', lines: [{ gcode: '9505100000', qty: '0.5', totalPrice: '0.1' }, { gcode: '9505100000', qty: '0.5', totalPrice: '0.2' }] }) },
    { invtNo: '290020260000000003', closedAt: new Date('2026-10-31T15:59:59Z'), body: exportList({ invtNo: '290020260000000003', ebcCode: '3318900002', country: '304', lines: [{ gcode: '8201100000', qty: '3', totalPrice: '30' }] }) },
    { invtNo: '290020260000000004', closedAt: new Date('2026-10-12T02:00:00Z'), body: exportList({ invtNo: '290020260000000004', ebcCode: '3318900002', statisticsFlag: 'A', lines: [{ gcode: '9505100000', qty: '1', totalPrice: '1' }] }) },
  ]));
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('silkgate summary build', () => {
  it('writes valid CEB701 files and prints the preview with exact sums and the due date', async () => {
    const out = join(dir, 'ceb701');
    const r = await silkgate(['summary', 'build', '--ebc', '3318900002', '--month', '2026-10', '--out', out, '--data', dir]);
    expect(r.code, r.stderr).toBe(0);
    const preview = JSON.parse(r.stdout);
    // Beijing time: 2026-10-31T15:59:59Z is still October.
    expect(JSON.stringify(preview)).toContain('2026-11-16');
    const files = readdirSync(out).filter((n) => n.endsWith('.xml'));
    expect(files.length).toBeGreaterThan(0);
    const xml = files.map((n) => readFileSync(join(out, n), 'utf8')).join('\n');
    for (const n of ['290020260000000001', '290020260000000002', '290020260000000003']) expect(xml).toContain(n);
    expect(xml).not.toContain('290020260000000004');
    for (const n of files) {
      const read = readMessage(readFileSync(join(out, n), 'utf8'));
      expect(read.errors, JSON.stringify(read.errors)).toEqual([]);
    }
    // Two future declarations (the US, Germany), one line each; the A list is not summarised.
    expect(preview).toMatchObject({ groups: 2, lines: 2, lists: 3, listLines: 4, dueDate: '2026-11-16' });
    // 12 + 0.5 + 0.5 of the same goods to the US, summed exactly: 36.3 (0.1 + 0.2 is 0.3, not 0.30000000000000004).
    const store = await openStore({ kind: 'sqlite', file: join(dir, 'silkgate.db') });
    try {
      const detail = await createSummaries({ store, calendar: seedCalendar() }).get(preview.id);
      const items = detail.groups.flatMap((g) => g.items);
      expect(items.find((i) => i.gcode === '9505100000')).toMatchObject({ qty: '13', totalPrice: '36.3', lines: 3 });
    } finally {
      await store.close();
    }
  });

  it('refuses a malformed month with the usage line', async () => {
    const r = await silkgate(['summary', 'build', '--ebc', '3318900002', '--month', '2026-13', '--data', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('YYYY-MM');
  });
});
