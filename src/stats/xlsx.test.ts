// The xlsx writer read back by a ZIP reader written from the format (test/support/zip.ts: end record
// → central directory → local headers → inflate, CRC checked), and its SpreadsheetML parts checked as text.
import { describe, expect, it } from 'vitest';
import { columnName, xlsx, zip } from './xlsx.js';
import { columnsOf, tableCsv, tableXlsx } from './export.js';
import { unzip } from '../../test/support/zip.js';

describe('zip', () => {
  it('stores what it was given, deflated or stored, with the right CRCs', () => {
    const big = Buffer.from('统计'.repeat(2000));
    const tiny = Buffer.from('x');
    const files = unzip(zip([{ name: 'a/统计.txt', data: big }, { name: 'b.bin', data: tiny }, { name: 'empty', data: Buffer.alloc(0) }]));
    expect([...files.keys()]).toEqual(['a/统计.txt', 'b.bin', 'empty']);
    expect(files.get('a/统计.txt')!.equals(big)).toBe(true);
    expect(files.get('b.bin')!.toString()).toBe('x');
    expect(files.get('empty')!.length).toBe(0);
  });
});

describe('xlsx', () => {
  it('names columns like Excel', () => {
    expect([0, 25, 26, 51, 52, 701, 702].map(columnName)).toEqual(['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA']);
  });

  it('writes the OOXML parts: shared strings escaped and counted, numbers as numbers, a bold header', () => {
    const book = xlsx([{
      name: '统计/序列', header: ['期间', '名称', '金额（元）'],
      rows: [['2026-11', 'A & B <c>', { num: '255.60' }], ['2026-12', '期间', 7], ['2027-01', null, { num: '-0.01' }]],
    }]);
    const parts = unzip(book);
    expect([...parts.keys()].sort()).toEqual(['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/sharedStrings.xml', 'xl/styles.xml', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml']);
    const sst = parts.get('xl/sharedStrings.xml')!.toString('utf8');
    // '期间' appears twice (header and a cell) but is stored once.
    expect(sst).toContain('count="8" uniqueCount="7"');
    expect(sst).toContain('<si><t xml:space="preserve">A &amp; B &lt;c&gt;</t></si>');
    const sheet = parts.get('xl/worksheets/sheet1.xml')!.toString('utf8');
    expect(sheet).toContain('<row r="1"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1" s="1" t="s"><v>1</v></c><c r="C1" s="1" t="s"><v>2</v></c></row>');
    expect(sheet).toContain('<c r="C2"><v>255.60</v></c>');
    expect(sheet).toContain('<c r="B3" t="s"><v>0</v></c><c r="C3"><v>7</v></c>');
    expect(sheet).toContain('<row r="4"><c r="A4" t="s"><v>6</v></c><c r="C4"><v>-0.01</v></c></row>');
    // The sheet name loses the characters Excel refuses.
    expect(parts.get('xl/workbook.xml')!.toString('utf8')).toContain('<sheet name="统计 序列" sheetId="1" r:id="rId1"/>');
    expect(parts.get('[Content_Types].xml')!.toString('utf8')).toContain('PartName="/xl/worksheets/sheet1.xml"');
  });

  it('refuses a number cell that is not a decimal', () => {
    expect(() => xlsx([{ name: 's', header: ['a'], rows: [[{ num: '1e5' }]] }])).toThrow(/not a decimal/);
  });
});

describe('tables as files', () => {
  const rows = [{ key: '502', labelZh: '美国', labelEn: 'United States', valueFen: 25_560 }, { key: '=1+1', labelZh: '逗号,"引号"', labelEn: 'x', valueFen: -1 }];
  const c = columnsOf(rows);
  const t = { name: 't', title: { zh: '序列', en: 'Series' }, rows, columns: [c.text('代码', 'Key', (r) => r.key), c.label('名称', 'Name'), c.yuan('金额（元）', 'Value (CNY)', (r) => r.valueFen)] };

  it('CSV: BOM, headers in the language asked, exact yuan, quoting and no formulas', () => {
    expect(tableCsv(t, 'zh-CN')).toBe('\uFEFF代码,名称,金额（元）\r\n502,美国,255.60\r\n\'=1+1,"逗号,""引号""",-0.01\r\n');
    expect(tableCsv(t, 'en').split('\r\n')[0]).toBe('\uFEFFKey,Name,Value (CNY)');
  });

  it('xlsx: the same table in a sheet named by its title', () => {
    const parts = unzip(tableXlsx(t, 'en'));
    expect(parts.get('xl/workbook.xml')!.toString('utf8')).toContain('name="Series"');
    expect(parts.get('xl/sharedStrings.xml')!.toString('utf8')).toContain('<t xml:space="preserve">United States</t>');
    expect(parts.get('xl/worksheets/sheet1.xml')!.toString('utf8')).toContain('<c r="C2"><v>255.60</v></c>');
  });
});
