// The plans' targets as data (src/stats/data/targets.csv, with its source column), shown against
// actuals: progress = actual / target; for a level target the annual growth still needed from the
// last complete year to reach it by its year; a percent target is a year's growth over the one before.
import { readFileSync } from 'node:fs';
import { parseCsv } from '../kernel/csv.js';
import { projectPath } from '../kernel/paths.js';
import { BASES, MEASURES, growthNeeded, growthPercent, progress, type Basis, type Measure } from './rules.js';
import type { StatsTargetRow } from './table.js';

export const UNITS = ['fen', 'count', 'm2', 'percent'] as const;
export type Unit = (typeof UNITS)[number];

export interface TargetRow {
  id: string;
  zone: string;
  year: number;
  measure: Measure;
  basis: Basis;
  labelZh: string;
  labelEn: string;
  unit: Unit;
  target: number;
  /** fen, a count, m² or percent (growth over the year before); null when the platform cannot know it. */
  actual: number | null;
  progress: number | null;
  growthNeeded: number | null;
  source: string;
  note: string;
  version: number;
  updatedAt: string;
  updatedBy: string;
}

/** Reads the targets CSV (header: id,zone,year,measure,basis,unit,target,label_zh,label_en,source,note). All rows or none. */
export function parseTargets(csv: string, at: string): StatsTargetRow[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const rows = parseCsv(csv).map((r, i) => {
    const line = `line ${i + 2}`;
    const id = r.id ?? '';
    if (!/^[a-z0-9-]{1,64}$/.test(id)) problems.push(`${line}: id must be lower-case letters, digits and dashes`);
    if (seen.has(id)) problems.push(`${line}: id ${id} is given twice`);
    seen.add(id);
    if (!/^\d{4}$/.test(r.year ?? '')) problems.push(`${line}: year must be YYYY`);
    if (!MEASURES.includes(r.measure as Measure)) problems.push(`${line}: unknown measure "${r.measure}"`);
    if (!BASES.includes(r.basis as Basis)) problems.push(`${line}: unknown basis "${r.basis}"`);
    if (!UNITS.includes(r.unit as Unit)) problems.push(`${line}: unknown unit "${r.unit}"`);
    if (!validTarget(r.unit as Unit, r.target ?? '')) problems.push(`${line}: target "${r.target}" is not a valid ${r.unit}`);
    if (!r.source) problems.push(`${line}: the source is required`);
    return {
      id, zone: r.zone ?? '', year: Number(r.year), measure: r.measure ?? '', basis: r.basis ?? '', unit: r.unit ?? '', target: r.target ?? '',
      label_zh: r.label_zh ?? '', label_en: r.label_en ?? '', source: r.source ?? '', note: r.note ?? '', version: 1, updated_at: at, updated_by: 'seed',
    };
  });
  if (problems.length) throw new Error(`targets: ${problems.slice(0, 5).join('; ')}`);
  return rows;
}

/** fen, counts and m² are whole non-negative numbers; percent may have two decimals. */
export function validTarget(unit: Unit, text: string): boolean {
  if (unit === 'percent') return /^-?\d{1,4}(\.\d{1,2})?$/.test(text);
  return /^\d{1,15}$/.test(text) && Number.isSafeInteger(Number(text));
}

export const loadTargets = (at: string, file?: string): StatsTargetRow[] => parseTargets(readFileSync(file ?? projectPath('src/stats/data/targets.csv'), 'utf8'), at);

/** The (measure, basis, year) figures a target needs, given the last complete year. */
export function needs(t: Pick<StatsTargetRow, 'measure' | 'basis' | 'unit' | 'year'>, lastComplete: number): { measure: string; basis: string; year: number }[] {
  const at = (year: number) => ({ measure: t.measure, basis: t.basis, year });
  if (t.unit === 'percent') return [at(t.year), at(t.year - 1)];
  return t.year > lastComplete ? [at(t.year), at(lastComplete)] : [at(t.year)];
}

/**
 * A target with its actual and progress. `value` gives a measure's figure for a year (null when
 * the platform cannot know it, e.g. another zone's); `lastComplete` is the last whole year.
 */
export function targetView(t: StatsTargetRow, value: (measure: string, basis: string, year: number) => number | null, lastComplete: number): TargetRow {
  const target = Number(t.target);
  let actual: number | null;
  let needed: number | null = null;
  if (t.unit === 'percent') {
    const now = value(t.measure, t.basis, t.year);
    const before = value(t.measure, t.basis, t.year - 1);
    actual = now === null || before === null ? null : growthPercent(now, before);
  } else {
    actual = value(t.measure, t.basis, t.year);
    if (t.year > lastComplete) needed = growthNeeded(target, value(t.measure, t.basis, lastComplete), t.year - lastComplete);
  }
  return {
    id: t.id, zone: t.zone, year: Number(t.year), measure: t.measure as Measure, basis: t.basis as Basis, labelZh: t.label_zh, labelEn: t.label_en,
    unit: t.unit as Unit, target, actual, progress: progress(actual, target), growthNeeded: needed, source: t.source, note: t.note,
    version: Number(t.version), updatedAt: t.updated_at, updatedBy: t.updated_by,
  };
}
