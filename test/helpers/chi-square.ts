/** Pearson chi-square goodness-of-fit checks for sampler tests (0.999 level). */
import assert from "node:assert/strict";

/** The 1 − 1e-3 quantile of χ²(df), Wilson–Hilferty: df·(1 − a + z·√a)³ with a = 2/(9·df). */
export function chiSquareCritical(df: number, z = 3.090232306167813): number {
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

/**
 * Pearson's statistic of counts against probabilities; bins expecting < 5 are pooled into one;
 * a count in a bin of probability 0 gives Infinity.
 */
export function chiSquare(counts: ArrayLike<number>, probs: ArrayLike<number>): { stat: number; df: number } {
  const n = Array.from(counts).reduce((a, c) => a + c, 0);
  let stat = 0;
  let bins = 0;
  let pooledObs = 0;
  let pooledExp = 0;
  for (let i = 0; i < probs.length; i++) {
    const e = n * probs[i]!;
    if (e === 0 && counts[i]! > 0) return { stat: Infinity, df: 1 };
    if (e === 0) continue;
    if (e < 5) {
      pooledObs += counts[i]!;
      pooledExp += e;
      continue;
    }
    stat += (counts[i]! - e) ** 2 / e;
    bins++;
  }
  if (pooledExp > 0) {
    stat += (pooledObs - pooledExp) ** 2 / pooledExp;
    bins++;
  }
  return { stat, df: Math.max(1, bins - 1) };
}

/** Asserts that counts fit probs (which must sum to 1) at the 0.999 level. */
export function assertFits(counts: ArrayLike<number>, probs: ArrayLike<number>, label: string): void {
  const total = Array.from(probs).reduce((a, p) => a + p, 0);
  assert.ok(Math.abs(total - 1) < 1e-9, `${label}: closed form sums to ${total}`);
  const { stat, df } = chiSquare(counts, probs);
  assert.ok(stat < chiSquareCritical(df), `${label}: χ² = ${stat.toFixed(2)} ≥ ${chiSquareCritical(df).toFixed(2)} (df ${df})`);
}

/** Asserts that counts do not fit probs (the test has power against this alternative). */
export function assertRejects(counts: ArrayLike<number>, probs: ArrayLike<number>, label: string): void {
  const { stat, df } = chiSquare(counts, probs);
  assert.ok(stat > chiSquareCritical(df), `${label}: χ² = ${stat.toFixed(2)} should exceed ${chiSquareCritical(df).toFixed(2)}`);
}
