// min / median / max of a bench's samples, rounded to 0.1 ms (ratios to 0.01).

export interface Stats {
  min: number;
  median: number;
  max: number;
}

export function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return { min: NaN, median: NaN, max: NaN };
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { min: round(sorted[0] as number), median: round(median), max: round(sorted[sorted.length - 1] as number) };
}

export function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** min / median / max of ratios (one per round), to two decimals. */
export function ratios(values: readonly number[]): Stats {
  const s = stats(values.map((v) => v * 100));
  return { min: Math.round(s.min) / 100, median: Math.round(s.median) / 100, max: Math.round(s.max) / 100 };
}
