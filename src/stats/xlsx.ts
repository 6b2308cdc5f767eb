// A small Excel (xlsx) writer without dependencies: the SpreadsheetML parts of an OOXML package
// (ECMA-376 Part 1: workbook, worksheets, shared strings, styles; the package relationships and
// content types of Part 2, OPC) in a ZIP archive (PKWARE APPNOTE 6.3: local headers, central
// directory, end record; deflate from node:zlib, CRC-32 from zlib.crc32).
import { crc32, deflateRawSync } from 'node:zlib';

/** A cell: text, a number, an exact decimal number written as given ({ num: '12.34' }), or empty. */
export type XlsxCell = string | number | { readonly num: string } | null | undefined;

export interface XlsxSheet {
  readonly name: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly XlsxCell[])[];
}

export interface ZipEntry { readonly name: string; readonly data: Buffer }

// XML 1.0 forbids most control characters; they are dropped rather than making the file unreadable.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const escapeXml = (s: string): string => s.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Column letters of a 0-based index: 0 → A, 25 → Z, 26 → AA. */
export function columnName(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

/** Excel refuses sheet names over 31 characters or with : \ / ? * [ ]; and names must differ. */
function sheetNames(sheets: readonly XlsxSheet[]): string[] {
  const used = new Set<string>();
  return sheets.map((s, i) => {
    let name = s.name.replace(/[:\\/?*[\]]/g, ' ').trim().slice(0, 31) || `Sheet${i + 1}`;
    while (used.has(name.toLowerCase())) name = `${name.slice(0, 28)}~${i + 1}`;
    used.add(name.toLowerCase());
    return name;
  });
}

const NUMBER = /^-?\d+(\.\d+)?$/;

export function xlsx(sheets: readonly XlsxSheet[]): Buffer {
  if (!sheets.length) throw new RangeError('an xlsx workbook needs at least one sheet');
  const strings: string[] = [];
  const index = new Map<string, number>();
  let refs = 0;
  const shared = (s: string): number => {
    refs += 1;
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  const cellXml = (ref: string, v: XlsxCell, style: number): string => {
    const s = style ? ` s="${style}"` : '';
    if (v === null || v === undefined || v === '') return '';
    if (typeof v === 'number') return Number.isFinite(v) ? `<c r="${ref}"${s}><v>${v}</v></c>` : '';
    if (typeof v === 'object') {
      if (!NUMBER.test(v.num)) throw new RangeError(`not a decimal number: "${v.num}"`);
      return `<c r="${ref}"${s}><v>${v.num}</v></c>`;
    }
    return `<c r="${ref}"${s} t="s"><v>${shared(v)}</v></c>`;
  };
  const names = sheetNames(sheets);
  const worksheets = sheets.map((sheet) => {
    const rows = [sheet.header as readonly XlsxCell[], ...sheet.rows];
    const body = rows.map((cells, r) => `<row r="${r + 1}">${cells.map((v, c) => cellXml(`${columnName(c)}${r + 1}`, v, r === 0 ? 1 : 0)).join('')}</row>`).join('');
    const width = Math.max(1, sheet.header.length);
    const cols = `<cols><col min="1" max="${width}" width="18" customWidth="1"/></cols>`;
    // The header row stays in view while scrolling.
    const view = '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>';
    return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${view}${cols}<sheetData>${body}</sheetData></worksheet>`;
  });
  const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
  const head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
  const parts: ZipEntry[] = [
    { name: '[Content_Types].xml', data: Buffer.from(`${head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
      worksheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('') +
      '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' +
      '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
      '</Types>') },
    { name: '_rels/.rels', data: Buffer.from(`${head}<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`) },
    { name: 'xl/workbook.xml', data: Buffer.from(`${head}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets>` +
      names.map((n, i) => `<sheet name="${escapeXml(n)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('') + '</sheets></workbook>') },
    { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from(`${head}<Relationships xmlns="${PKG_REL}">` +
      worksheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('') +
      `<Relationship Id="rId${worksheets.length + 1}" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>` +
      `<Relationship Id="rId${worksheets.length + 2}" Type="${REL}/styles" Target="styles.xml"/></Relationships>`) },
    ...worksheets.map((xml, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, data: Buffer.from(xml) })),
    { name: 'xl/sharedStrings.xml', data: Buffer.from(`${head}<sst xmlns="${MAIN}" count="${refs}" uniqueCount="${strings.length}">` +
      strings.map((s) => `<si><t xml:space="preserve">${escapeXml(s)}</t></si>`).join('') + '</sst>') },
    // Style 0 plain, style 1 bold (the header row).
    { name: 'xl/styles.xml', data: Buffer.from(`${head}<styleSheet xmlns="${MAIN}">` +
      '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>' +
      '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
      '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
      '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>' +
      '</styleSheet>') },
  ];
  return zip(parts);
}

/** 1980-01-01 00:00 in MS-DOS form: a fixed stamp keeps the archive the same for the same content. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/** A ZIP archive of the entries, each deflated (stored when deflate does not help); no ZIP64, so under 4 GB and 65,535 entries (the writes throw beyond). */
export function zip(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const deflated = deflateRawSync(e.data);
    const stored = deflated.length >= e.data.length;
    const body = stored ? e.data : deflated;
    const crc = crc32(e.data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(stored ? 0 : 8, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(stored ? 0 : 8, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    // extra, comment, disk, internal and external attributes: 0.
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
