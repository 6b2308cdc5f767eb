// Helpers shared by the benchmarks: medians over alternating runs, and one printed line per figure.

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export interface Figure {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly baselineName: string;
  readonly baseline: number;
  /** What the issue asks for, as text ("ratio ≥ 0.8"). */
  readonly target?: string;
  readonly higherIsBetter?: boolean;
}

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));

export function line(f: Figure): string {
  const ratio = f.value / f.baseline;
  return `${f.name}: ${fmt(f.value)} ${f.unit} | baseline ${f.baselineName}: ${fmt(f.baseline)} ${f.unit} | ratio ${ratio.toFixed(2)}` +
    (f.target ? ` (target ${f.target})` : '');
}

/** Operations per second of `work`, run in batches of `batch` for about `ms` milliseconds. */
export function rate(work: () => void, ms: number, batch: number): number {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < batch; i++) work();
    n += batch;
    t = performance.now();
  }
  return n / ((t - t0) / 1000);
}
