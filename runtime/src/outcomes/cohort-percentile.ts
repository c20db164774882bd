// Percentile of each member of a cohort by value. docs/reference/pnl.md ("Cohort percentile").

/**
 * For each value, 100 x (values below it + (other values equal to it) / 2) / (n - 1): 0 for the
 * worst, 100 for the best, ties share the mean of their ranks, and a single member gets 50 (a
 * cohort of one says nothing about rank). Pure; O(n log n).
 */
export function cohortPercentiles(values: readonly number[]): number[] {
  const n = values.length;
  if (n === 1) return [50];
  const order = values
    .map((_, i) => i)
    .sort((a, b) => (values[a] as number) - (values[b] as number));
  const out = new Array<number>(n);
  let start = 0;
  while (start < n) {
    const value = values[order[start] as number] as number;
    let end = start + 1;
    while (end < n && values[order[end] as number] === value) end++;
    // Members start..end-1 tie: `start` values lie below each, and end - start - 1 others equal it.
    const percentile = (100 * (start + (end - start - 1) / 2)) / (n - 1);
    for (let k = start; k < end; k++) out[order[k] as number] = percentile;
    start = end;
  }
  return out;
}
